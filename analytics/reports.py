"""The registry of analysis reports: each definition names its tables, columns and charts once,
so the page, the XLSX/CSV export and the `report` command always show the same columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import charts, queries
from .queries import ReportFilters

TEXT, INT, MONEY, RATE, MONTH = "text", "int", "money", "rate", "month"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    format: str = TEXT
    split_only: bool = False  # shown only when the report is split by branch


@dataclass(frozen=True)
class Table:
    key: str
    title: Promise | str
    columns: tuple[Column, ...]
    rows: Callable[[Any], list]

    def columns_for(self, params: ReportParams) -> list[Column]:
        return [c for c in self.columns if params.by_branch or not c.split_only]


@dataclass(frozen=True)
class ReportParams:
    filters: ReportFilters = field(default_factory=ReportFilters)
    by_branch: bool = False
    at: date | None = None  # the base report's month; None means the data month


@dataclass(frozen=True)
class Report:
    name: str
    title: Promise | str
    description: Promise | str
    tables: tuple[Table, ...]
    # run(params, building_limit=None, building_offset=0) -> the query's result
    run: Callable[..., Any]
    charts: Callable[[Any], list[charts.Chart]]
    uses_period: bool = True
    uses_at: bool = False
    splits_by_branch: bool = False


def cell(row: Any, column: Column) -> Any:
    return row[column.key] if isinstance(row, dict) else getattr(row, column.key)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def display(value: Any, fmt: str) -> str:
    """A value as the page shows it: grouped numbers, money to 2 places, rates in percent."""
    if value is None:
        return ""
    if fmt == INT:
        return number_format(value, force_grouping=True)
    if fmt == MONEY:
        return number_format(money(value), 2, force_grouping=True)
    if fmt == RATE:
        return number_format(Decimal(value) * 100, 1, force_grouping=True) + "\u00a0%"
    if fmt == MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return str(value)


# Columns shared by several reports.
MONTH_COL = Column("month", _("Month"), MONTH)
BRANCH_COL = Column("branch", _("Branch"))
ACTIVE_START = Column("active_start", _("Active at start"), INT)
ACTIVE_END = Column("active_end", _("Active at end"), INT)
CONNECTED = Column("connected", _("Connected"), INT)
TERMINATED = Column("terminated", _("Terminated"), INT)
CHARGED = Column("charged", _("Charged"), MONEY)
PAID = Column("paid", _("Paid"), MONEY)
ARPU = Column("arpu", _("ARPU"), MONEY)
DEBTORS = Column("debtors", _("Debtors"), INT)
DEBT = Column("debt", _("Debt"), MONEY)
SUBSCRIBERS = Column("subscribers", _("Subscribers"), INT)
SHARE = Column("share", _("Share"), RATE)


CHURN_INFLOW = Report(
    name="churn_inflow",
    title=_("Churn and inflow"),
    description=_(
        "Subscribers connected and terminated per month, the churn rate, money charged and "
        "paid, and debtors at each month's end."
    ),
    tables=(
        Table(
            "months",
            _("By month"),
            (
                MONTH_COL,
                Column("branch", _("Branch"), split_only=True),
                ACTIVE_START,
                CONNECTED,
                TERMINATED,
                ACTIVE_END,
                Column("churn_rate", _("Churn rate"), RATE),
                Column("net_growth", _("Net growth"), INT),
                CHARGED,
                PAID,
                Column("collection_rate", _("Collection rate"), RATE),
                ARPU,
                DEBTORS,
                DEBT,
            ),
            rows=lambda result: result,
        ),
    ),
    run=lambda params, **_kw: queries.churn_inflow(
        filters=params.filters, by_branch=params.by_branch
    ),
    charts=charts.churn_inflow,
    splits_by_branch=True,
)

BASE = Report(
    name="base",
    title=_("Subscriber base analysis"),
    description=_(
        "The base at the end of a month: active subscribers by branch, technology and tariff, "
        "tenure, balance and penetration of buildings."
    ),
    tables=(
        Table(
            "totals",
            _("Totals"),
            (
                MONTH_COL,
                ACTIVE_START,
                CONNECTED,
                TERMINATED,
                ACTIVE_END,
                CHARGED,
                PAID,
                ARPU,
                DEBTORS,
                DEBT,
            ),
            rows=lambda result: [result.totals] if result.at else [],
        ),
        Table(
            "groups",
            _("Active subscribers by branch, technology and tariff"),
            (
                BRANCH_COL,
                Column("technology", _("Technology")),
                Column("tariff", _("Tariff")),
                ACTIVE_END,
                Column("share", _("Share of active"), RATE),
                CHARGED,
                ARPU,
            ),
            rows=lambda result: result.groups,
        ),
        Table(
            "tenure",
            _("Tenure"),
            (Column("band", _("Tenure")), SUBSCRIBERS, SHARE),
            rows=lambda result: result.tenure,
        ),
        Table(
            "balance",
            _("Balance at the month's end"),
            (
                Column("band", _("Balance")),
                SUBSCRIBERS,
                SHARE,
                Column("balance", _("Total balance"), MONEY),
            ),
            rows=lambda result: result.balance,
        ),
        Table(
            "buildings",
            _("Penetration by building"),
            (
                Column("city", _("City")),
                Column("street", _("Street")),
                Column("house", _("House")),
                Column("flats", _("Flats"), INT),
                Column("active", _("Active subscribers"), INT),
                Column("penetration", _("Penetration"), RATE),
            ),
            rows=lambda result: result.buildings,
        ),
    ),
    run=lambda params, building_limit=None, building_offset=0: queries.base(
        filters=params.filters,
        at=params.at or queries.data_month(),
        building_limit=building_limit,
        building_offset=building_offset,
    ),
    charts=charts.base,
    uses_period=False,
    uses_at=True,
)

TARIFFS = Report(
    name="tariffs",
    title=_("Tariff distribution"),
    description=_(
        "Subscribers, revenue and ARPU of each tariff per month, and how many subscribers moved "
        "from one tariff to another."
    ),
    tables=(
        Table(
            "tariffs",
            _("Subscribers and revenue by tariff"),
            (
                MONTH_COL,
                Column("tariff", _("Tariff")),
                SUBSCRIBERS,
                Column("share", _("Share of active"), RATE),
                Column("charged", _("Revenue"), MONEY),
                ARPU,
            ),
            rows=lambda result: result.rows,
        ),
        Table(
            "migrations",
            _("Migrations between tariffs"),
            (
                Column("from_tariff", _("From tariff")),
                Column("to_tariff", _("To tariff")),
                SUBSCRIBERS,
            ),
            rows=lambda result: result.migrations,
        ),
    ),
    run=lambda params, **_kw: queries.tariffs(filters=params.filters),
    charts=charts.tariffs,
)

REPORTS: dict[str, Report] = {r.name: r for r in (CHURN_INFLOW, BASE, TARIFFS)}
