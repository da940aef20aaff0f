"""Debtors and debt of every month against an independent computation over the export files:
a subscriber terminated with a debt stays a debtor until the debt is paid or written off."""

import csv
import zoneinfo
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from subscribers.models import MonthlyFact, MonthlySummary

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def debtors_by_month(directory: Path) -> dict[date, tuple[int, Decimal]]:
    """docs/metrics.md read literally: at the end of M a subscriber connected before the end of
    M owes when the balance the billing reports now, less what was paid and plus what was
    charged after M, is below zero."""
    zones = {}
    with open(directory / "branches.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            zones[row["name"]] = zoneinfo.ZoneInfo(row["time_zone"])
    subscribers = {}
    with open(directory / "subscribers.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            subscribers[row["account"]] = (
                Decimal(row["balance"]),
                date.fromisoformat(row["connected_on"]),
                zones[row["branch"]],
            )
    net = defaultdict(lambda: defaultdict(Decimal))  # account → month → paid − charged
    with open(directory / "charges.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            period = date.fromisoformat(row["period"] + "-01")
            net[row["account"]][period] -= Decimal(row["amount"])
    with open(directory / "payments.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            at = datetime.fromisoformat(row["paid_at"])
            zone = subscribers[row["account"]][2]
            local = at.astimezone(zone) if at.tzinfo else at
            net[row["account"]][month_of(local.date())] += Decimal(row["amount"])
    months = sorted({m for by_month in net.values() for m in by_month})
    out = {}
    for month in months:
        count, debt = 0, Decimal(0)
        for account, (balance, connected, _zone) in subscribers.items():
            if month_of(connected) > month:
                continue
            after = sum((v for m, v in net[account].items() if m > month), Decimal(0))
            end = balance - after
            if end < 0:
                count += 1
                debt -= end
        out[month] = (count, debt)
    return out


def summary_debtors() -> dict[date, tuple[int, Decimal]]:
    out = defaultdict(lambda: [0, Decimal(0)])
    for month, debtors, debt in MonthlySummary.objects.values_list("month", "debtors", "debt"):
        out[month][0] += debtors
        out[month][1] += debt
    return {month: (n, Decimal(d).quantize(Decimal("0.01"))) for month, (n, d) in out.items()}


def test_every_month_counts_the_debtors_the_files_give(billing, generated):
    directory = generated(subscribers=3000, months=6)
    assert billing.run(directory).ok
    expected = debtors_by_month(directory)
    assert summary_debtors() == expected
    # The export has subscribers terminated with a debt: they are what the facts must keep.
    assert MonthlyFact.objects.filter(
        status="terminated", terminated=False, balance_end__lt=0
    ).exists()


def test_a_terminated_debtor_keeps_a_fact_every_month_until_paid(billing, operator):
    # 1003 was terminated on 2025-02-10 owing 196.43 and has paid nothing since.
    assert billing.run(billing.write(operator)).ok
    facts = dict(
        MonthlyFact.objects.filter(subscriber__account="1003").values_list("month", "balance_end")
    )
    assert facts[date(2025, 3, 1)] == Decimal("-196.43")

    # It pays in April: the April fact shows the debt settled, and May brings no fact for it.
    operator["subscribers.csv"] = operator["subscribers.csv"].replace(
        "2025-02-10,-196.43", "2025-02-10,0.00"
    )
    operator["payments.csv"] += "1003,2025-04-03 10:00,196.43,cash\n"
    operator["charges.csv"] += "1001,2025-05,Интернет,Скоростной 300,750.00\n"
    operator["subscribers.csv"] = operator["subscribers.csv"].replace(
        "2023-05-10,,-550.00", "2023-05-10,,-1300.00"
    )
    assert billing.run(billing.write(operator, "paid")).ok
    facts = dict(
        MonthlyFact.objects.filter(subscriber__account="1003").values_list("month", "balance_end")
    )
    assert facts[date(2025, 4, 1)] == Decimal("0.00")
    assert date(2025, 5, 1) not in facts
