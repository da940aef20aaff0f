"""The key test: the three reports equal docs/metrics.md computed by hand from the export files.

A small operator is generated, imported with the billing import, and every month and column of
churn_inflow, base and tariffs is compared with tests/by_hand.py (exact Decimal equality)."""

import csv
import importlib
import importlib.util
import io
import time
from datetime import date

import pytest
from django.core.management import call_command, get_commands

from analytics import queries
from analytics.queries import ReportFilters
from core.models import Branch
from subscribers.models import Tariff

from . import by_hand


def _missing_piece() -> str | None:
    if importlib.util.find_spec("subscribers.services") is None or not hasattr(
        importlib.import_module("subscribers.services"), "billing_import"
    ):
        return "subscribers.services.billing_import does not exist yet"
    if "generate_operator" not in get_commands():
        return "the generate_operator command does not exist yet"
    return None


MISSING = _missing_piece()
pytestmark = [
    pytest.mark.skipif(
        MISSING is not None, reason=f"{MISSING}; it is being written, run again then"
    ),
    pytest.mark.django_db,
]
ALL = ReportFilters()


@pytest.fixture(scope="module")
def operator_dir(tmp_path_factory, django_db_setup, django_db_blocker):
    out = tmp_path_factory.mktemp("operator")
    with django_db_blocker.unblock():
        call_command(
            "generate_operator",
            subscribers=400,
            months=14,
            seed=7,
            end="2025-06",
            out=out,
            stdout=io.StringIO(),
        )
    _add_boundary_payments(out)
    return out


def _add_boundary_payments(directory):
    """Payments whose month depends on the branch's time zone, for one account of each branch:
    the generated ones seldom fall near midnight of a month's last day."""
    first_account = {}
    for s in by_hand.read_rows(directory / "subscribers.csv"):
        first_account.setdefault(s["branch"], s["account"])
    with open(directory / "payments.csv", "a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for account in first_account.values():
            writer.writerow([account, "2025-01-31 22:30:00+00:00", "111.11", "cash"])  # February
            writer.writerow([account, "2024-10-01 00:30:00+09:00", "222.22", "cash"])  # September
            writer.writerow([account, "2025-03-01 00:10:00", "33.33", "cash"])  # local: March
            writer.writerow([account, "2024-12-01", "44.44", "cash"])  # local midnight


def _import(paths):
    from subscribers.services import ImportBusy, billing_import

    for _attempt in range(240):
        try:
            return billing_import(paths=paths)
        except ImportBusy:  # another test process is importing; the lock is per machine
            time.sleep(0.25)
    raise AssertionError("the billing import stayed busy for a minute")


@pytest.fixture
def operator(operator_dir):
    result = _import(sorted(operator_dir.glob("*.csv")))
    assert result.ok, result.errors
    tariff_ids = dict(Tariff.objects.values_list("name", "id"))
    return by_hand.build_operator(operator_dir, tariff_ids)


def as_dict(row, columns) -> dict:
    return {c: getattr(row, c) for c in columns}


CHURN_COLUMNS = [
    "active_start",
    "connected",
    "terminated",
    "active_end",
    "churn_rate",
    "net_growth",
    "charged",
    "paid",
    "collection_rate",
    "arpu",
    "debtors",
    "debt",
]


def test_the_generated_operator_spans_the_months_asked_for(operator):
    assert operator.data_month == date(2025, 6, 1)
    assert len(operator.months()) == 14
    assert sum(f.terminated for f in operator.facts) > 0
    assert sum(f.connected for f in operator.facts) > 0


def test_churn_inflow_equals_the_definitions_in_every_month(operator):
    expected = by_hand.churn_inflow(operator.facts, by_branch=False)

    rows = queries.churn_inflow(filters=ALL)

    assert {(r.month,): as_dict(r, CHURN_COLUMNS) for r in rows} == expected
    assert [r.month for r in rows] == operator.months()


def test_churn_inflow_by_branch_equals_the_definitions(operator):
    expected = by_hand.churn_inflow(operator.facts, by_branch=True)

    rows = queries.churn_inflow(filters=ALL, by_branch=True)

    assert {(r.month, r.branch): as_dict(r, CHURN_COLUMNS) for r in rows} == expected


def test_filters_narrow_churn_inflow_as_the_definitions_say(operator):
    branch = Branch.objects.order_by("name").first()
    technology = max({f.technology for f in operator.facts if f.branch == branch.name})
    facts = [
        f
        for f in operator.facts
        if f.branch == branch.name
        and f.technology == technology
        and date(2024, 9, 1) <= f.month <= date(2025, 3, 1)
    ]
    expected = by_hand.churn_inflow(facts, by_branch=False)

    rows = queries.churn_inflow(
        filters=ReportFilters(
            branches=(branch.pk,),
            technologies=(technology,),
            month_from=date(2024, 9, 1),
            month_to=date(2025, 3, 1),
        )
    )

    assert len(rows) == 7
    assert {(r.month,): as_dict(r, CHURN_COLUMNS) for r in rows} == expected


def test_base_equals_the_definitions_in_every_month(operator):
    for at in operator.months():
        expected = by_hand.base(operator, at)

        report = queries.base(filters=ALL, at=at)

        totals = as_dict(
            report.totals,
            [
                "active_start",
                "connected",
                "terminated",
                "active_end",
                "charged",
                "paid",
                "debtors",
                "debt",
                "arpu",
            ],
        )
        assert totals == {k: expected["totals"][k] for k in totals}, at
        groups = {
            (g.branch, g.technology_code, g.tariff if g.tariff_id else None): as_dict(
                g, ["active_end", "share", "charged", "arpu"]
            )
            for g in report.groups
        }
        assert groups == expected["groups"], at
        assert {b.key: (b.subscribers, b.share) for b in report.tenure} == expected["tenure"]
        assert {
            b.key: (b.subscribers, b.balance, b.share) for b in report.balance if b.subscribers
        } == expected["balance"], at
        buildings = {
            (b.city, b.street, b.house): (b.flats, b.active, b.penetration)
            for b in report.buildings
        }
        assert len(buildings) == len(report.buildings) == report.buildings_total
        assert buildings == expected["buildings"], at


def test_base_lists_buildings_by_penetration(operator):
    report = queries.base(filters=ALL, at=operator.data_month)

    known = [b.penetration for b in report.buildings if b.penetration is not None]
    assert known == sorted(known, reverse=True)
    assert all(b.penetration is None for b in report.buildings[len(known) :])


def test_tariffs_equal_the_definitions_in_every_month(operator):
    expected = by_hand.tariffs(operator.facts)

    report = queries.tariffs(filters=ALL)

    rows = {
        (r.month, r.tariff if r.tariff_id else None): as_dict(
            r, ["subscribers", "share", "charged", "arpu"]
        )
        for r in report.rows
    }
    assert rows == expected["rows"]
    for month in operator.months():
        one = queries.tariffs(filters=ReportFilters(month_from=month, month_to=month))
        moves = {(m.from_tariff, m.to_tariff): m.subscribers for m in one.migrations}
        assert moves == dict(expected["migrations"].get(month, {})), month


def test_tariff_migrations_add_up_over_the_period(operator):
    expected = by_hand.tariffs(operator.facts)["migrations"]
    total: dict = {}
    for month_moves in expected.values():
        for key, n in month_moves.items():
            total[key] = total.get(key, 0) + n

    report = queries.tariffs(filters=ALL)

    assert {(m.from_tariff, m.to_tariff): m.subscribers for m in report.migrations} == total
    assert total, "the generated operator should have some tariff changes"
