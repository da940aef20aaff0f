"""The monthly facts and their summaries: what the import writes equals docs/metrics.md worked
out independently, in plain Python, from the export files."""

import csv
import zoneinfo
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from subscribers.models import MonthlyFact, Tariff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

ZERO = Decimal("0.00")


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected_facts(directory: Path, tariff_ids: dict[str, int]) -> dict[tuple, tuple]:
    """(account, month) → the fact's columns as Billing.facts() gives them, by docs/metrics.md,
    for an export imported into an empty database."""
    zones = {r["name"]: r["time_zone"] or "Europe/Moscow" for r in read(directory / "branches.csv")}
    subscribers = read(directory / "subscribers.csv")
    branch_of = {s["account"]: s["branch"] for s in subscribers}
    charges = defaultdict(list)  # account → [(month, tariff, amount)]
    for r in read(directory / "charges.csv"):
        month = date.fromisoformat(r["period"] + "-01")
        charges[r["account"]].append((month, r["tariff"] or None, Decimal(r["amount"])))
    payments = defaultdict(list)  # account → [(month, amount)]
    for r in read(directory / "payments.csv"):
        moment = datetime.fromisoformat(r["paid_at"])
        if moment.tzinfo is not None:
            moment = moment.astimezone(zoneinfo.ZoneInfo(zones[branch_of[r["account"]]]))
        payments[r["account"]].append((date(moment.year, moment.month, 1), Decimal(r["amount"])))
    ledger = {c[0] for rows in charges.values() for c in rows}
    ledger |= {p[0] for rows in payments.values() for p in rows}
    window_start, data_month = min(ledger), max(ledger)

    out = {}
    for s in subscribers:
        account = s["account"]
        connected_on = date.fromisoformat(s["connected_on"])
        terminated_on = date.fromisoformat(s["terminated_on"]) if s["terminated_on"] else None
        mine = {c[0] for c in charges[account]} | {p[0] for p in payments[account]}
        first = max(connected_on.replace(day=1), window_start)
        # A terminated subscriber with a balance left keeps its facts to the data month.
        settled = Decimal(s["balance"]) == 0
        last = terminated_on.replace(day=1) if terminated_on and settled else data_month
        if mine:
            first, last = min(first, min(mine)), max(last, max(mine))
        month, prev_tariff, ok_since = first, None, first.toordinal()
        while month <= last:
            d0, d1 = month, next_month(month)
            named = {c[1] for c in charges[account] if c[0] == month and c[1]}
            tariff = max(named, key=tariff_ids.__getitem__) if named else s["tariff"]
            after = sum((p[1] for p in payments[account] if p[0] > month), ZERO) - sum(
                (c[2] for c in charges[account] if c[0] > month), ZERO
            )
            balance_end = Decimal(s["balance"]) - after
            if balance_end >= 0:
                days_overdue, ok_since = 0, d1.toordinal()
            else:
                days_overdue = d1.toordinal() - ok_since
            if terminated_on and terminated_on < d1:
                status = "terminated"
            else:
                status = s["status"] if month == data_month else "active"
            out[account, month] = (
                s["branch"],
                tariff,
                prev_tariff,
                s["technology"].upper(),
                status,
                connected_on < d0 and (terminated_on is None or terminated_on >= d0),
                connected_on < d1 and (terminated_on is None or terminated_on >= d1),
                d0 <= connected_on < d1,
                terminated_on is not None and d0 <= terminated_on < d1,
                sum((c[2] for c in charges[account] if c[0] == month), ZERO),
                sum((p[1] for p in payments[account] if p[0] == month), ZERO),
                balance_end,
                days_overdue,
                max(0, month_number(month) - month_number(connected_on)),
            )
            prev_tariff, month = tariff, d1
    return out


def summed(facts: dict[tuple, tuple]) -> tuple[dict, dict]:
    """MonthlySummary and TariffMigrationSummary rows as sums of facts (Billing's shapes)."""
    summary = defaultdict(lambda: [0, 0, 0, 0, 0, ZERO, ZERO, 0, ZERO])
    migrations = Counter()
    for (_account, month), f in facts.items():
        (
            branch,
            tariff,
            prev_tariff,
            technology,
            _status,
            active_start,
            active_end,
            connected,
            terminated,
            charged,
            paid,
            balance_end,
            _days,
            _tenure,
        ) = f
        row = summary[month, branch, technology, tariff]
        for i, flag in enumerate((True, active_start, active_end, connected, terminated)):
            row[i] += int(flag)
        row[5] += charged
        row[6] += paid
        if balance_end < 0:
            row[7] += 1
            row[8] -= balance_end
        if prev_tariff and tariff and prev_tariff != tariff:
            migrations[month, branch, prev_tariff, tariff] += 1
    return {k: tuple(v) for k, v in summary.items()}, dict(migrations)


def tariff_ids() -> dict[str, int]:
    return dict(Tariff.objects.values_list("name", "id"))


def test_the_facts_of_a_generated_operator_follow_the_definitions(billing, generated):
    directory = generated()
    assert billing.run(directory).ok
    assert billing.facts() == expected_facts(directory, tariff_ids())


def test_the_summaries_of_a_generated_operator_are_sums_of_its_facts(billing, generated):
    assert billing.run(generated()).ok
    summary, migrations = summed(billing.facts())
    assert billing.summaries() == summary
    assert billing.migrations() == migrations


def test_the_facts_of_the_hand_written_operator_follow_the_definitions(billing, base):
    assert billing.facts() == expected_facts(base, tariff_ids())


def test_a_month_without_charges_takes_the_current_tariff(billing, base):
    # 1005 connected in March and has no charges: its only fact carries its current tariff.
    fact = MonthlyFact.objects.get(subscriber__account="1005")
    assert (fact.month, fact.tariff.name) == (date(2025, 3, 1), "Домашний 100")


def test_a_month_charged_under_two_tariffs_takes_the_later_created_one(billing, operator):
    operator["charges.csv"] += "1001,2025-02,Телевидение,Бизнес 200,100.00\n"
    assert billing.run(billing.write(operator)).ok
    february = MonthlyFact.objects.get(subscriber__account="1001", month=date(2025, 2, 1))
    names = {"Домашний 100", "Бизнес 200"}
    assert february.tariff.name == max(names, key=tariff_ids().__getitem__)
