"""The next day's or the next month's delta of a generated operator, as a billing drops it for
the daily sync: that day's payments, the subscribers whose row changed (balances, statuses,
tariffs, contacts) and, on the first of a month, that month's charges.

A delta is written from a previous export (a full one, or a delta written here): the state it
continues from is kept in the delta's `.state/` folder, which the import does not read."""

from __future__ import annotations

import csv
import json
import random
import zlib
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

STATE = ".state"
METHODS = (("online", 37), ("cash", 21), ("card", 18), ("terminal", 15), ("bank", 8))
# Per subscriber and day (the base generator's rates: about 15,000 payments a day at 1,000,000).
PAY = {"active": 0.024, "suspended": 0.01, "terminated": 0.002}
# A row's status, tariff or contact changes on a day with about this chance (about 1,000
# changes a day at 1,000,000): a termination, suspension, tariff change, phone edit; a
# suspended subscriber resumes.
TERMINATE, SUSPEND, RESUME, RETARIFF, CONTACT = 0.00025, 0.0002, 0.0002, 0.00035, 0.0002


class DeltaError(Exception):
    pass


@dataclass
class State:
    """The subscriber rows (as read, changed ones re-parsed), the charges a served account gets
    each month, and the last day the billing's data covers."""

    header: list[str]
    rows: list[list[str]]
    last_day: date
    seed: int
    recurring: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # account → [(service, amount)]
    zones: dict[str, str] = field(default_factory=dict)  # branch → time zone


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def load_state(prev: Path, seed: int) -> State:
    state_dir = prev / STATE
    if (state_dir / "meta.json").exists():
        meta = json.loads((state_dir / "meta.json").read_text())
        header, rows = _read_csv(state_dir / "subscribers.csv")
        recurring: dict[str, list[tuple[str, str]]] = defaultdict(list)
        with open(state_dir / "recurring.csv", encoding="utf-8", newline="") as f:
            for account, service, amount in csv.reader(f):
                recurring[account].append((service, amount))
        return State(header, rows, date.fromisoformat(meta["last_day"]), meta["seed"],
                     dict(recurring), meta["zones"])  # fmt: skip
    if not (prev / "subscribers.csv").exists() or not (prev / "payments.csv").exists():
        raise DeltaError(f"{prev} is not an export: it has no subscribers.csv and payments.csv")
    header, rows = _read_csv(prev / "subscribers.csv")
    zones = {}
    if (prev / "branches.csv").exists():
        for row in csv.DictReader(open(prev / "branches.csv", encoding="utf-8", newline="")):
            zones[row["name"]] = row["time_zone"]
    last_day = date(1, 1, 1)
    with open(prev / "payments.csv", encoding="utf-8", newline="") as f:
        next(f)
        for line in f:  # the second field starts with the day: YYYY-MM-DD
            day = line.split(",", 2)[1][:10]
            if day > last_day.isoformat():
                last_day = date.fromisoformat(day)
    # The charges of the last month charged: what each served account is charged every month.
    recurring = defaultdict(list)
    last_period = ""
    if (prev / "charges.csv").exists():
        with open(prev / "charges.csv", encoding="utf-8", newline="") as f:
            next(f)
            for line in f:
                period = line.split(",", 2)[1]
                if period > last_period:
                    last_period, recurring = period, defaultdict(list)
                if period == last_period:
                    account, _period, service, _tariff, amount = next(csv.reader([line]))
                    recurring[account].append((service, amount))
    # The day the data covers: the end of the last month charged, if later than the payments.
    if last_period:
        year, month = map(int, last_period.split("-"))
        last_day = max(last_day, date(year, month, monthrange(year, month)[1]))
    return State(header, rows, last_day, seed, dict(recurring), zones)


def _rng(seed: int, day: date) -> random.Random:
    return random.Random(zlib.crc32(f"{seed}:{day.isoformat()}".encode()))


def _pick(rng: random.Random, weighted) -> str:
    total = sum(w for _v, w in weighted)
    x = rng.uniform(0, total)
    for value, weight in weighted:
        x -= weight
        if x <= 0:
            return value
    return weighted[-1][0]


def _cents(text: str) -> int:
    return int((Decimal(text or "0") * 100).to_integral_value())


def _text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class Simulation:
    """The days of a delta over the state's rows: balances kept in kopecks, each row parsed
    once; one draw per row and day decides whether it pays, a second only for the rare ones
    whose status, tariff or contact changes."""

    def __init__(self, state: State):
        self.state = state
        col = {name: i for i, name in enumerate(state.header)}
        self.col = col
        rows = state.rows
        self.balance = [_cents(r[col["balance"]]) for r in rows]
        self.fee = [_cents(r[col["monthly_fee"]]) for r in rows]
        self.charges = [
            sum(_cents(a) for _s, a in state.recurring.get(r[col["account"]], ())) for r in rows
        ]
        tech = col.get("technology")
        by_tech: dict[str, set] = defaultdict(set)
        for r in rows:
            if r[col["monthly_fee"]]:
                by_tech[r[tech] if tech is not None else ""].add(
                    (r[col["tariff"]], r[col["monthly_fee"]])
                )
        self.tariffs = {t: sorted(v) for t, v in by_tech.items()}
        self.changed: set[int] = set()
        self.payments: list[tuple] = []
        self.charged: list[tuple] = []

    def day(self, day: date) -> None:
        state, col = self.state, self.col
        i_acc, i_status, i_term = col["account"], col["status"], col["terminated_on"]
        i_tariff, i_fee = col["tariff"], col["monthly_fee"]
        i_tech, i_phone = col.get("technology"), col.get("phone")
        rng = _rng(state.seed, day)
        draw = rng.random
        first = day.day == 1
        period = day.strftime("%Y-%m")
        stamp = day.isoformat()
        balance, fee, changed = self.balance, self.fee, self.changed
        pay_active, pay_suspended, pay_gone = PAY["active"], PAY["suspended"], PAY["terminated"]
        rare = 1 - (TERMINATE + SUSPEND + RETARIFF + CONTACT + RESUME)
        for index, row in enumerate(state.rows):
            status = row[i_status]
            if first and status != "terminated" and self.charges[index]:
                account = row[i_acc]
                for service, amount in state.recurring.get(account, ()):
                    self.charged.append((account, period, service, row[i_tariff], amount))
                balance[index] -= self.charges[index]
                changed.add(index)
            x = draw()
            if status == "active":
                p = pay_active
            elif status == "suspended":
                p = pay_suspended
            else:
                p = pay_gone if balance[index] < 0 else 0.0
            if x < p:
                owed = -balance[index]
                amount = max(fee[index], owed) if owed > 0 else fee[index]
                amount = -(-amount // 1000) * 1000  # up to whole tens of roubles
                if amount > 0:
                    seconds = rng.randrange(7 * 3600, 23 * 3600)
                    at = (
                        f"{stamp} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
                    )
                    self.payments.append((row[i_acc], at, _text(amount), _pick(rng, METHODS)))
                    balance[index] += amount
                    changed.add(index)
                continue
            if x < rare or status == "terminated":
                continue
            y = rng.random()
            if status == "suspended":
                if y < 0.5:
                    row[i_status] = "active"
                    changed.add(index)
                continue
            if y < 0.25:
                row[i_status], row[i_term] = "terminated", stamp
            elif y < 0.45:
                row[i_status] = "suspended"
            elif y < 0.8:
                choices = self.tariffs.get(row[i_tech] if i_tech is not None else "", [])
                if not choices:
                    continue
                name, monthly = choices[rng.randrange(len(choices))]
                if name == row[i_tariff]:
                    continue
                row[i_tariff], row[i_fee] = name, monthly
                fee[index] = _cents(monthly)
            elif i_phone is not None:
                a, b, c, d = (rng.randrange(n) for n in (100, 1000, 100, 100))
                row[i_phone] = f"+7 9{a:02d} {b:03d}-{c:02d}-{d:02d}"
            else:
                continue
            changed.add(index)

    def finish(self) -> None:
        i_bal = self.col["balance"]
        for index in self.changed:
            self.state.rows[index][i_bal] = _text(self.balance[index])


def write_delta(prev: Path, out_dir: Path, *, days: int | None = None, month: bool = False,
                seed: int = 1) -> dict[str, int]:  # fmt: skip
    """Write the next day's (days=1), several days' or the next month's delta of prev into
    out_dir; the rows written per file."""
    state = load_state(prev, seed)
    first = state.last_day + timedelta(days=1)
    if month:
        # The next whole calendar month (the rest of a month a day's delta began is skipped).
        if first.day != 1:
            first = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = date(first.year, first.month, monthrange(first.year, first.month)[1])
    else:
        last = state.last_day + timedelta(days=days or 1)
    sim = Simulation(state)
    day = first
    while day <= last:
        sim.day(day)
        day += timedelta(days=1)
    sim.finish()
    out = {"charges": sim.charged, "payments": sim.payments, "changed": sim.changed}
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}

    def write(name: str, header: list[str], rows) -> None:
        with open(out_dir / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            n = 0
            for row in rows:
                writer.writerow(row)
                n += 1
        counts[name] = n

    write("subscribers.csv", state.header, (state.rows[i] for i in sorted(out["changed"])))
    write("payments.csv", ["account", "paid_at", "amount", "method"], out["payments"])
    if out["charges"]:
        write("charges.csv", ["account", "period", "service", "tariff", "amount"], out["charges"])
    else:
        (out_dir / "charges.csv").unlink(missing_ok=True)
    state_dir = out_dir / STATE
    state_dir.mkdir(exist_ok=True)
    with open(state_dir / "subscribers.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(state.header)
        writer.writerows(state.rows)
    with open(state_dir / "recurring.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for account, items in state.recurring.items():
            for service, amount in items:
                writer.writerow((account, service, amount))
    (state_dir / "meta.json").write_text(
        json.dumps({"last_day": last.isoformat(), "seed": state.seed, "zones": state.zones})
    )
    return counts
