"""manage.py report: the analysis reports from the command line."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from .factories import BranchFactory, MonthlySummaryFactory, TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    north, south = BranchFactory(name="North"), BranchFactory(name="South")
    basic = TariffFactory(name="Basic Home")
    for branch, connected in ((north, 3), (south, 5)):
        for month in (date(2025, 5, 1), date(2025, 6, 1)):
            MonthlySummaryFactory(
                month=month,
                branch=branch,
                tariff=basic,
                active_start=100,
                active_end=100,
                connected=connected,
                terminated=connected,
                charged=Decimal("50000.00"),
                paid=Decimal("40000.00"),
            )
    return north, south


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, "--language", "en", stdout=out)
    return out.getvalue()


def test_it_writes_csv_to_standard_output(data):
    lines = run("churn_inflow", "--format", "csv").splitlines()

    assert lines[0].startswith("Month,Active at start,Connected,Terminated,Active at end,")
    assert lines[1] == ("2025-05,200,8,8,200,0.040000,0,100000.00,80000.00,0.800000,500.00,0,0.00")
    assert len(lines) == 3


def test_it_filters_by_branch_name_or_id_and_period(data):
    north, south = data

    by_name = run("churn_inflow", "--branch", "South", "--from", "2025-06").splitlines()
    by_id = run("churn_inflow", "--branch", str(south.pk), "--to", "2025-05").splitlines()

    assert [line.split(",")[:3] for line in by_name[1:]] == [["2025-06", "100", "5"]]
    assert [line.split(",")[:3] for line in by_id[1:]] == [["2025-05", "100", "5"]]


def test_it_splits_by_branch(data):
    lines = run("churn_inflow", "--by-branch", "--tariff", "Basic Home").splitlines()

    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["2025-05", "North", "100"],
        ["2025-05", "South", "100"],
        ["2025-06", "North", "100"],
        ["2025-06", "South", "100"],
    ]


def test_it_writes_xlsx_to_a_file(data, tmp_path):
    out = tmp_path / "base.xlsx"

    call_command(
        "report",
        "base",
        "--format",
        "xlsx",
        "--at",
        "2025-05",
        "--out",
        str(out),
        "--language",
        "en",
    )

    book = load_workbook(out)
    totals = list(book.worksheets[0].iter_rows(values_only=True))
    assert totals[0][:2] == ("Month", "Active at start")
    assert totals[1][0].date() == date(2025, 5, 1)
    assert totals[1][1] == 200


def test_it_writes_one_table_of_the_base(data):
    lines = run("base", "--table", "groups").splitlines()

    assert lines[0] == "Branch,Technology,Tariff,Active at end,Share of active,Charged,ARPU"
    assert lines[1] == "North,FTTB,Basic Home,100,0.500000,50000.00,500.00"


def test_it_refuses_a_bad_month(data):
    with pytest.raises(CommandError, match="--from: Enter a month as YYYY-MM"):
        run("tariffs", "--from", "2024-13")


def test_it_refuses_an_unknown_branch(data):
    with pytest.raises(CommandError, match="--branch: Atlantis is not one of"):
        run("tariffs", "--branch", "Atlantis")


def test_it_refuses_an_option_the_report_does_not_take(data):
    with pytest.raises(CommandError, match="does not take --at"):
        run("churn_inflow", "--at", "2025-06")


def test_xlsx_needs_an_output_file(data):
    with pytest.raises(CommandError, match="--out"):
        run("tariffs", "--format", "xlsx")
