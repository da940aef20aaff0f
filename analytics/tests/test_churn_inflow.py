"""2.2.6 churn and inflow: the arithmetic of every column over hand-made monthly summaries."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.queries import ReportFilters, churn_inflow

from .factories import BranchFactory, MonthlySummaryFactory, TariffFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def summary(**kwargs):
    values = dict(
        active_start=100,
        connected=10,
        terminated=5,
        active_end=105,
        charged=Decimal("51250.00"),
        paid=Decimal("41000.00"),
        debtors=7,
        debt=Decimal("3500.50"),
        subscribers=110,
    )
    values.update(kwargs)
    return MonthlySummaryFactory(**values)


def test_it_sums_every_technology_and_tariff_of_a_month():
    branch = BranchFactory()
    summary(month=JAN, branch=branch, technology="FTTB")
    summary(month=JAN, branch=branch, technology="GPON", tariff=TariffFactory())

    [row] = churn_inflow(filters=ReportFilters())

    assert (row.month, row.active_start, row.connected, row.terminated, row.active_end) == (
        JAN,
        200,
        20,
        10,
        210,
    )
    assert row.charged == Decimal("102500.00")
    assert row.paid == Decimal("82000.00")
    assert (row.debtors, row.debt) == (14, Decimal("7001.00"))


def test_churn_rate_is_terminated_over_active_at_start():
    summary(active_start=80, terminated=6)

    [row] = churn_inflow(filters=ReportFilters())

    assert row.churn_rate == Decimal(6) / Decimal(80)


def test_net_growth_is_connected_minus_terminated():
    summary(connected=3, terminated=9)

    [row] = churn_inflow(filters=ReportFilters())

    assert row.net_growth == -6


def test_arpu_divides_charged_by_the_mean_of_active_at_start_and_at_end():
    summary(active_start=100, active_end=103, charged=Decimal("50750.00"))

    [row] = churn_inflow(filters=ReportFilters())

    assert row.arpu == Decimal("50750.00") / Decimal("101.5")


def test_collection_rate_is_paid_over_charged():
    summary(charged=Decimal("1000.00"), paid=Decimal("875.50"))

    [row] = churn_inflow(filters=ReportFilters())

    assert row.collection_rate == Decimal("0.8755")


def test_ratios_with_a_zero_divisor_are_empty():
    summary(active_start=0, active_end=0, connected=0, terminated=0, charged=Decimal(0))

    [row] = churn_inflow(filters=ReportFilters())

    assert (row.churn_rate, row.collection_rate, row.arpu) == (None, None, None)


def test_rows_come_one_per_month_in_order():
    for month in (MAR, JAN, FEB):
        summary(month=month)

    assert [r.month for r in churn_inflow(filters=ReportFilters())] == [JAN, FEB, MAR]


def test_it_filters_by_period():
    for month in (JAN, FEB, MAR):
        summary(month=month)

    rows = churn_inflow(filters=ReportFilters(month_from=FEB, month_to=FEB))

    assert [r.month for r in rows] == [FEB]


def test_it_filters_by_branch():
    north, south = BranchFactory(name="North"), BranchFactory(name="South")
    summary(branch=north, connected=1)
    summary(branch=south, connected=20)

    [row] = churn_inflow(filters=ReportFilters(branches=(south.pk,)))

    assert row.connected == 20


def test_it_filters_by_technology_and_tariff():
    basic, fast = TariffFactory(name="Basic"), TariffFactory(name="Fast")
    summary(technology="FTTB", tariff=basic, connected=1)
    summary(technology="GPON", tariff=basic, connected=2)
    summary(technology="GPON", tariff=fast, connected=4)

    assert churn_inflow(filters=ReportFilters(technologies=("GPON",)))[0].connected == 6
    assert churn_inflow(filters=ReportFilters(tariffs=(basic.pk,)))[0].connected == 3
    rows = churn_inflow(filters=ReportFilters(technologies=("GPON",), tariffs=(fast.pk,)))
    assert rows[0].connected == 4


def test_by_branch_split_gives_a_row_per_month_and_branch_by_name():
    south, north = BranchFactory(name="South"), BranchFactory(name="North")
    summary(month=JAN, branch=south, terminated=2)
    summary(month=JAN, branch=north, terminated=3)
    summary(month=FEB, branch=north, terminated=4)

    rows = churn_inflow(filters=ReportFilters(), by_branch=True)

    assert [(r.month, r.branch, r.terminated) for r in rows] == [
        (JAN, "North", 3),
        (JAN, "South", 2),
        (FEB, "North", 4),
    ]
