"""2.2.4 the base at a month's end: groups, tenure and balance bands, building penetration."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.queries import ReportFilters, base
from analytics.reports import BASE, ReportParams

from .factories import (
    BranchFactory,
    BuildingFactory,
    MonthlyFactFactory,
    MonthlySummaryFactory,
    SubscriberFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db

MAY, JUN = date(2025, 5, 1), date(2025, 6, 1)
ALL = ReportFilters()


def test_groups_count_active_at_end_with_their_share_and_arpu():
    north, south = BranchFactory(name="North"), BranchFactory(name="South")
    basic = TariffFactory(name="Basic")
    MonthlySummaryFactory(
        branch=south, tariff=basic, active_start=10, active_end=30, charged=Decimal("6000.00")
    )
    MonthlySummaryFactory(
        branch=north,
        tariff=basic,
        technology="GPON",
        active_start=70,
        active_end=90,
        charged=Decimal("40000.00"),
    )
    MonthlySummaryFactory(branch=north, tariff=basic, month=MAY, active_end=500)

    report = base(filters=ALL, at=JUN)

    assert [(g.branch, g.technology, g.tariff, g.active_end) for g in report.groups] == [
        ("North", "GPON", "Basic", 90),
        ("South", "FTTB", "Basic", 30),
    ]
    assert [g.share for g in report.groups] == [Decimal("0.75"), Decimal("0.25")]
    assert report.groups[0].arpu == Decimal("40000.00") / Decimal(80)
    assert report.groups[1].arpu == Decimal("6000.00") / Decimal(20)


def test_totals_give_arpu_over_the_mean_of_active_at_start_and_end():
    MonthlySummaryFactory(
        active_start=99,
        active_end=101,
        charged=Decimal("50000.00"),
        debtors=4,
        debt=Decimal("1234.56"),
    )
    MonthlySummaryFactory(active_start=1, active_end=3, charged=Decimal("1000.00"))

    totals = base(filters=ALL, at=JUN).totals

    assert (totals.month, totals.active_start, totals.active_end) == (JUN, 100, 104)
    assert totals.arpu == Decimal("51000.00") / Decimal(102)
    assert (totals.debtors, totals.debt) == (4, Decimal("1234.56"))


def test_tenure_bands_count_subscribers_active_at_the_months_end():
    for tenure in (0, 2, 3, 11, 12, 35, 36, 80):
        MonthlyFactFactory(tenure_months=tenure)
    MonthlyFactFactory(tenure_months=1, active_end=False)  # terminated in the month
    MonthlyFactFactory(tenure_months=1, month=MAY)  # another month

    report = base(filters=ALL, at=JUN)

    assert [(b.key, b.subscribers) for b in report.tenure] == [
        ("0-2", 2),
        ("3-5", 1),
        ("6-11", 1),
        ("12-23", 1),
        ("24-35", 1),
        ("36+", 2),
    ]
    assert report.tenure[0].share == Decimal("0.25")


def test_balance_bands_put_each_boundary_in_one_band():
    balances = [
        "-5000.01",
        "-5000.00",
        "-1000.01",
        "-1000.00",
        "-0.01",
        "0",
        "0.01",
        "999.99",
        "1000.00",
    ]
    for balance in balances:
        MonthlyFactFactory(balance_end=Decimal(balance))

    bands = {b.key: b for b in base(filters=ALL, at=JUN).balance}

    assert {k: b.subscribers for k, b in bands.items()} == {
        "debt_over_5000": 1,
        "debt_1000_5000": 2,
        "debt_under_1000": 2,
        "zero": 1,
        "credit_under_1000": 2,
        "credit_1000_plus": 1,
    }
    assert bands["debt_1000_5000"].balance == Decimal("-6000.01")
    assert bands["zero"].share == Decimal(1) / Decimal(9)


def test_penetration_orders_buildings_by_active_over_flats():
    small = BuildingFactory(flats=10, house="1")
    large = BuildingFactory(flats=200, house="2")
    unknown = BuildingFactory(flats=0, house="3")
    for building, active in ((small, 4), (large, 20), (unknown, 1)):
        for _ in range(active):
            MonthlyFactFactory(subscriber=SubscriberFactory(building=building))
    MonthlyFactFactory(subscriber=SubscriberFactory(building=small), active_end=False)
    MonthlyFactFactory(subscriber=SubscriberFactory(building=None))

    report = base(filters=ALL, at=JUN)

    assert [(b.house, b.flats, b.active, b.penetration) for b in report.buildings] == [
        ("1", 10, 4, Decimal("0.4")),
        ("2", 200, 20, Decimal("0.1")),
        ("3", 0, 1, None),
    ]


def test_buildings_come_a_page_at_a_time_with_the_total():
    for flats in (10, 20, 30, 40):
        MonthlyFactFactory(subscriber=SubscriberFactory(building=BuildingFactory(flats=flats)))

    report = base(filters=ALL, at=JUN, building_limit=2, building_offset=2)

    assert [b.flats for b in report.buildings] == [30, 40]
    assert report.buildings_total == 4


def test_filters_narrow_the_facts_and_the_groups():
    north, south = BranchFactory(name="North"), BranchFactory(name="South")
    fast = TariffFactory(name="Fast")
    MonthlyFactFactory(subscriber=SubscriberFactory(branch=north), tariff=fast)
    MonthlyFactFactory(subscriber=SubscriberFactory(branch=north), technology="GPON")
    MonthlyFactFactory(subscriber=SubscriberFactory(branch=south), tariff=fast)
    MonthlySummaryFactory(branch=north, tariff=fast, active_end=1)
    MonthlySummaryFactory(branch=south, tariff=fast, active_end=1)

    report = base(filters=ReportFilters(branches=(north.pk,), tariffs=(fast.pk,)), at=JUN)
    gpon = base(filters=ReportFilters(technologies=("GPON",)), at=JUN)

    assert sum(b.subscribers for b in report.tenure) == 1
    assert [g.branch for g in report.groups] == ["North"]
    assert sum(b.subscribers for b in gpon.balance) == 1


def test_the_report_defaults_to_the_latest_month():
    MonthlySummaryFactory(month=MAY, active_end=5)
    MonthlySummaryFactory(month=JUN, active_end=7)

    report = BASE.run(ReportParams())

    assert (report.at, report.totals.active_end) == (JUN, 7)


def test_an_empty_base_gives_an_empty_report():
    report = BASE.run(ReportParams())

    assert report.at is None
    assert (report.groups, report.buildings) == ([], [])
