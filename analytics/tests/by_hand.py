"""docs/metrics.md computed by hand, in plain Python, straight from the billing export files.

Deliberately shares no code with the app (no queries, no facts SQL, no importer): the key test
compares the reports with what this module makes of the same files."""

from __future__ import annotations

import csv
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

MOSCOW = "Europe/Moscow"


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_number(month: date) -> int:
    return month.year * 12 + month.month - 1


def share(numerator, divisor) -> Decimal | None:
    return Decimal(numerator) / Decimal(divisor) if divisor else None


def per_subscriber(charged: Decimal, active_start: int, active_end: int) -> Decimal | None:
    mean = Decimal(active_start + active_end) / 2
    return charged / mean if mean else None


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return [
            {k.strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(f)
        ]


def parse_day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def payment_month(paid_at: str, time_zone: str) -> date:
    """The month of paid_at in the branch's local time (no offset means local already)."""
    moment = datetime.fromisoformat(paid_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return date(moment.year, moment.month, 1)


@dataclass
class Fact:
    account: str
    month: date
    branch: str
    technology: str
    building: tuple[str, str, str, str]
    tariff: str | None
    prev_tariff: str | None
    active_start: bool
    active_end: bool
    connected: bool
    terminated: bool
    charged: Decimal
    paid: Decimal
    balance_end: Decimal
    tenure_months: int


@dataclass
class Operator:
    facts: list[Fact]
    flats: dict[tuple[str, str, str, str], int]  # (branch, city, street, house) -> flats
    data_month: date

    def months(self) -> list[date]:
        return sorted({f.month for f in self.facts})


def build_operator(directory: Path, tariff_ids: dict[str, int]) -> Operator:
    """Read the export files and derive every subscriber's monthly facts.

    tariff_ids gives the order of tariffs by id, the rule that picks a month's tariff where its
    charges name several."""
    paths = sorted(directory.glob("*.csv"))
    files = {
        kind: next(p for p in paths if p.name.lower().startswith(kind))
        for kind in ("branches", "buildings", "subscribers", "charges", "payments")
    }
    zones = {r["name"]: r.get("time_zone") or MOSCOW for r in read_rows(files["branches"])}
    flats = {
        (r["branch"], r["city"], r["street"], r["house"]): int(r.get("flats") or 0)
        for r in read_rows(files["buildings"])
    }
    subscribers = read_rows(files["subscribers"])
    branch_of = {s["account"]: s["branch"] for s in subscribers}

    charges = defaultdict(list)  # account -> [(period, tariff, amount)]
    for r in read_rows(files["charges"]):
        period = date.fromisoformat(r["period"] + "-01")
        charges[r["account"]].append((period, r.get("tariff") or None, Decimal(r["amount"])))
    payments = defaultdict(list)  # account -> [(month, amount)]
    for r in read_rows(files["payments"]):
        zone = zones.get(branch_of[r["account"]], MOSCOW)
        payments[r["account"]].append((payment_month(r["paid_at"], zone), Decimal(r["amount"])))

    ledger_months = {c[0] for rows in charges.values() for c in rows}
    ledger_months |= {p[0] for rows in payments.values() for p in rows}
    window_start, data_month = min(ledger_months), max(ledger_months)

    facts = []
    for s in subscribers:
        facts.extend(
            _facts_of(
                s,
                charges[s["account"]],
                payments[s["account"]],
                window_start,
                data_month,
                tariff_ids,
            )
        )
    return Operator(facts=facts, flats=flats, data_month=data_month)


def _facts_of(s, charges, payments, window_start, data_month, tariff_ids) -> list[Fact]:
    connected_on = parse_day(s["connected_on"])
    terminated_on = parse_day(s.get("terminated_on", ""))
    mine = {c[0] for c in charges} | {p[0] for p in payments}
    first = max(month_of(connected_on), window_start)
    # A terminated subscriber with a balance left keeps its facts to the data month.
    settled = Decimal(s["balance"]) == 0
    last = month_of(terminated_on) if terminated_on and settled else data_month
    if mine:
        first, last = min(first, min(mine)), max(last, max(mine))
    last = min(last, data_month)  # no month after the data month has facts

    balance = Decimal(s["balance"])
    building = (s["branch"], s["city"], s["street"], s["house"])
    out: list[Fact] = []
    month = first
    while month <= last:
        start, end = month, next_month(month)
        named = {c[1] for c in charges if c[0] == month and c[1]}
        tariff = max(named, key=tariff_ids.__getitem__) if named else (s.get("tariff") or None)
        later_paid = sum((p[1] for p in payments if p[0] > month), Decimal(0))
        later_charged = sum((c[2] for c in charges if c[0] > month), Decimal(0))
        out.append(
            Fact(
                account=s["account"],
                month=month,
                branch=s["branch"],
                technology=(s.get("technology") or "").upper(),
                building=building,
                tariff=tariff,
                prev_tariff=out[-1].tariff if out else None,
                active_start=connected_on < start
                and (terminated_on is None or terminated_on >= start),
                active_end=connected_on < end and (terminated_on is None or terminated_on >= end),
                connected=start <= connected_on < end,
                terminated=terminated_on is not None and start <= terminated_on < end,
                charged=sum((c[2] for c in charges if c[0] == month), Decimal(0)),
                paid=sum((p[1] for p in payments if p[0] == month), Decimal(0)),
                balance_end=balance - later_paid + later_charged,
                tenure_months=max(0, month_number(month) - month_number(month_of(connected_on))),
            )
        )
        month = end
    return out


# The reports, by hand --------------------------------------------------------------------


def churn_inflow(facts: list[Fact], *, by_branch: bool) -> dict[tuple, dict]:
    groups = defaultdict(list)
    for f in facts:
        groups[(f.month, f.branch) if by_branch else (f.month,)].append(f)
    out = {}
    for key, group in groups.items():
        a = sum(f.active_start for f in group)
        e = sum(f.active_end for f in group)
        c = sum(f.connected for f in group)
        t = sum(f.terminated for f in group)
        charged = sum((f.charged for f in group), Decimal(0))
        paid = sum((f.paid for f in group), Decimal(0))
        debtors = [f for f in group if f.balance_end < 0]
        out[key] = {
            "active_start": a,
            "connected": c,
            "terminated": t,
            "active_end": e,
            "churn_rate": share(t, a),
            "net_growth": c - t,
            "charged": charged,
            "paid": paid,
            "collection_rate": share(paid, charged),
            "arpu": per_subscriber(charged, a, e),
            "debtors": len(debtors),
            "debt": sum((-f.balance_end for f in debtors), Decimal(0)),
        }
    return out


TENURE = (
    (0, 2, "0-2"),
    (3, 5, "3-5"),
    (6, 11, "6-11"),
    (12, 23, "12-23"),
    (24, 35, "24-35"),
    (36, 10**6, "36+"),
)


def balance_band(balance: Decimal) -> str:
    if balance < -5000:
        return "debt_over_5000"
    if balance < -1000:
        return "debt_1000_5000"
    if balance < 0:
        return "debt_under_1000"
    if balance == 0:
        return "zero"
    return "credit_under_1000" if balance < 1000 else "credit_1000_plus"


def base(operator: Operator, at: date) -> dict:
    month = [f for f in operator.facts if f.month == at]
    active = [f for f in month if f.active_end]
    total_active = len(active)

    groups = defaultdict(list)
    for f in month:
        groups[(f.branch, f.technology, f.tariff)].append(f)
    group_rows = {}
    for key, group in groups.items():
        a = sum(f.active_start for f in group)
        e = sum(f.active_end for f in group)
        charged = sum((f.charged for f in group), Decimal(0))
        group_rows[key] = {
            "active_end": e,
            "share": share(e, total_active),
            "charged": charged,
            "arpu": per_subscriber(charged, a, e),
        }

    tenure = {label: 0 for _first, _last, label in TENURE}
    for f in active:
        tenure[next(lb for first, last, lb in TENURE if first <= f.tenure_months <= last)] += 1
    balance = defaultdict(lambda: [0, Decimal(0)])
    for f in active:
        cell = balance[balance_band(f.balance_end)]
        cell[0] += 1
        cell[1] += f.balance_end

    buildings = defaultdict(int)
    for f in active:
        buildings[f.building] += 1
    return {
        "totals": churn_inflow(month, by_branch=False)[(at,)],
        "groups": group_rows,
        "tenure": {k: (n, share(n, total_active)) for k, n in tenure.items()},
        "balance": {k: (n, s, share(n, total_active)) for k, (n, s) in balance.items()},
        "buildings": {
            key[1:]: (operator.flats.get(key, 0), n, share(n, operator.flats.get(key, 0)))
            for key, n in buildings.items()
        },
    }


def tariffs(facts: list[Fact]) -> dict:
    month_active = defaultdict(int)
    groups = defaultdict(list)
    for f in facts:
        month_active[f.month] += f.active_end
        groups[(f.month, f.tariff)].append(f)
    rows = {}
    for (month, tariff), group in groups.items():
        a = sum(f.active_start for f in group)
        e = sum(f.active_end for f in group)
        charged = sum((f.charged for f in group), Decimal(0))
        rows[(month, tariff)] = {
            "subscribers": e,
            "share": share(e, month_active[month]),
            "charged": charged,
            "arpu": per_subscriber(charged, a, e),
        }
    migrations = defaultdict(lambda: defaultdict(int))  # month -> (from, to) -> count
    for f in facts:
        if f.prev_tariff and f.tariff and f.prev_tariff != f.tariff:
            migrations[f.month][(f.prev_tariff, f.tariff)] += 1
    return {"rows": rows, "migrations": migrations}
