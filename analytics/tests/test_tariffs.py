"""2.2.5 tariffs: subscribers, share, revenue and ARPU per month × tariff; migrations."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.queries import ReportFilters, tariffs

from .factories import (
    BranchFactory,
    MonthlySummaryFactory,
    TariffFactory,
    TariffMigrationSummaryFactory,
)

pytestmark = pytest.mark.django_db

MAY, JUN = date(2025, 5, 1), date(2025, 6, 1)


@pytest.fixture
def basic():
    return TariffFactory(name="Basic")


@pytest.fixture
def fast():
    return TariffFactory(name="Fast")


def test_each_tariff_gets_subscribers_share_revenue_and_arpu(basic, fast):
    MonthlySummaryFactory(tariff=basic, active_start=50, active_end=30, charged=Decimal("8000"))
    MonthlySummaryFactory(
        tariff=basic, technology="GPON", active_start=10, active_end=30, charged=Decimal("2000")
    )
    MonthlySummaryFactory(tariff=fast, active_start=20, active_end=20, charged=Decimal("9000"))

    rows = tariffs(filters=ReportFilters()).rows

    assert [(r.tariff, r.subscribers, r.share, r.charged) for r in rows] == [
        ("Basic", 60, Decimal("0.75"), Decimal("10000")),
        ("Fast", 20, Decimal("0.25"), Decimal("9000")),
    ]
    assert rows[0].arpu == Decimal("10000") / Decimal(60)
    assert rows[1].arpu == Decimal("9000") / Decimal(20)


def test_the_share_is_of_all_tariffs_even_when_one_is_chosen(basic, fast):
    MonthlySummaryFactory(tariff=basic, active_end=10)
    MonthlySummaryFactory(tariff=fast, active_end=30)

    [row] = tariffs(filters=ReportFilters(tariffs=(fast.pk,))).rows

    assert (row.tariff, row.share) == ("Fast", Decimal("0.75"))


def test_a_tariff_without_subscribers_has_empty_share_and_arpu(basic):
    MonthlySummaryFactory(tariff=basic, active_start=0, active_end=0, charged=Decimal("0"))

    [row] = tariffs(filters=ReportFilters()).rows

    assert (row.subscribers, row.share, row.arpu) == (0, None, None)


def test_rows_follow_the_period_and_branch_filters(basic):
    north, south = BranchFactory(name="North"), BranchFactory(name="South")
    MonthlySummaryFactory(month=MAY, branch=north, tariff=basic, active_end=1)
    MonthlySummaryFactory(month=JUN, branch=north, tariff=basic, active_end=2)
    MonthlySummaryFactory(month=JUN, branch=south, tariff=basic, active_end=4)

    rows = tariffs(filters=ReportFilters(branches=(north.pk,), month_from=JUN)).rows

    assert [(r.month, r.subscribers) for r in rows] == [(JUN, 2)]


def test_migrations_are_summed_over_the_period(basic, fast):
    TariffMigrationSummaryFactory(month=MAY, from_tariff=basic, to_tariff=fast, subscribers=3)
    TariffMigrationSummaryFactory(month=JUN, from_tariff=basic, to_tariff=fast, subscribers=4)
    TariffMigrationSummaryFactory(month=JUN, from_tariff=fast, to_tariff=basic, subscribers=1)

    report = tariffs(filters=ReportFilters())
    june = tariffs(filters=ReportFilters(month_from=JUN, month_to=JUN))

    assert [(m.from_tariff, m.to_tariff, m.subscribers) for m in report.migrations] == [
        ("Basic", "Fast", 7),
        ("Fast", "Basic", 1),
    ]
    assert [m.subscribers for m in june.migrations] == [4, 1]


def test_migrations_follow_the_branch_and_tariff_filters(basic, fast):
    north = BranchFactory(name="North")
    other = TariffFactory(name="Other")
    TariffMigrationSummaryFactory(branch=north, from_tariff=basic, to_tariff=fast, subscribers=2)
    TariffMigrationSummaryFactory(from_tariff=basic, to_tariff=fast, subscribers=5)
    TariffMigrationSummaryFactory(branch=north, from_tariff=other, to_tariff=basic, subscribers=6)

    by_branch = tariffs(filters=ReportFilters(branches=(north.pk,))).migrations
    by_tariff = tariffs(filters=ReportFilters(tariffs=(fast.pk,))).migrations

    assert [(m.from_tariff, m.to_tariff, m.subscribers) for m in by_branch] == [
        ("Basic", "Fast", 2),
        ("Other", "Basic", 6),
    ]
    assert [(m.from_tariff, m.to_tariff, m.subscribers) for m in by_tariff] == [
        ("Basic", "Fast", 7),
    ]
