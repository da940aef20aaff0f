"""Reads behind the analysis forms 2.2.4–2.2.6; docs/metrics.md defines every number here.

The reports aggregate subscribers.MonthlySummary (months × branches × technologies × tariffs, a
small table) and, for the distributions of one month, subscribers.MonthlyFact."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from subscribers.models import (
    Building,
    MonthlyFact,
    MonthlySummary,
    TariffMigrationSummary,
    Technology,
)

ZERO = Decimal("0.00")
NO_TARIFF = _("(no tariff)")
NO_TECHNOLOGY = _("(not set)")

# Tenure bands by whole months since connection: (first month, last month or None, label).
TENURE_BANDS = (
    (0, 2, _("0–2 months")),
    (3, 5, _("3–5 months")),
    (6, 11, _("6–11 months")),
    (12, 23, _("12–23 months")),
    (24, 35, _("24–35 months")),
    (36, None, _("36 months and more")),
)

# Balance bands of balance_end; a debt band "over A up to B" holds debts in (A, B].
BALANCE_BANDS = (
    ("debt_over_5000", _("Debt over 5,000")),
    ("debt_1000_5000", _("Debt over 1,000 up to 5,000")),
    ("debt_under_1000", _("Debt up to 1,000")),
    ("zero", _("Zero balance")),
    ("credit_under_1000", _("Credit under 1,000")),
    ("credit_1000_plus", _("Credit 1,000 and more")),
)


@dataclass(frozen=True)
class ReportFilters:
    """What the user narrowed the report to; an empty collection means "all"."""

    branches: tuple[int, ...] = ()
    month_from: date | None = None
    month_to: date | None = None
    technologies: tuple[str, ...] = ()
    tariffs: tuple[int, ...] = ()


def ratio(numerator, divisor) -> Decimal | None:
    """numerator ÷ divisor as a Decimal; empty (None) when the divisor is 0."""
    if not divisor:
        return None
    return Decimal(numerator) / Decimal(divisor)


def arpu(charged: Decimal, active_start: int, active_end: int) -> Decimal | None:
    """Charged ÷ mean(active at start, active at end)."""
    return ratio(charged, Decimal(active_start + active_end) / 2)


def technology_label(value: str) -> str:
    if not value:
        return str(NO_TECHNOLOGY)
    return str(Technology(value).label) if value in Technology.values else value


def data_month() -> date | None:
    """The latest month with monthly facts: the default "as of" of the base report."""
    return MonthlySummary.objects.aggregate(latest=Max("month"))["latest"]


def _summaries(filters: ReportFilters, *, period=True, tariffs=True) -> QuerySet:
    rows = MonthlySummary.objects.all()
    if filters.branches:
        rows = rows.filter(branch_id__in=filters.branches)
    if period and filters.month_from:
        rows = rows.filter(month__gte=filters.month_from)
    if period and filters.month_to:
        rows = rows.filter(month__lte=filters.month_to)
    if filters.technologies:
        rows = rows.filter(technology__in=filters.technologies)
    if tariffs and filters.tariffs:
        rows = rows.filter(tariff_id__in=filters.tariffs)
    return rows


# The summary columns that add up over branches, technologies, tariffs.
SUMMED = ("active_start", "connected", "terminated", "active_end")
SUMMED += ("charged", "paid", "debtors", "debt")
SUMS = {name: Sum(name) for name in SUMMED}


# 2.2.6 Churn and inflow ---------------------------------------------------------------------


@dataclass
class ChurnInflowRow:
    month: date
    branch_id: int | None
    branch: str
    active_start: int
    connected: int
    terminated: int
    active_end: int
    charged: Decimal
    paid: Decimal
    debtors: int
    debt: Decimal
    churn_rate: Decimal | None = field(init=False)
    net_growth: int = field(init=False)
    collection_rate: Decimal | None = field(init=False)
    arpu: Decimal | None = field(init=False)

    def __post_init__(self):
        self.churn_rate = ratio(self.terminated, self.active_start)
        self.net_growth = self.connected - self.terminated
        self.collection_rate = ratio(self.paid, self.charged)
        self.arpu = arpu(self.charged, self.active_start, self.active_end)


def churn_inflow(*, filters: ReportFilters, by_branch: bool = False) -> list[ChurnInflowRow]:
    """One row per month that has monthly facts (per month × branch when by_branch)."""
    keys = ["month", "branch_id", "branch__name"] if by_branch else ["month"]
    order = ["month", "branch__name", "branch_id"] if by_branch else ["month"]
    groups = _summaries(filters).values(*keys).annotate(**SUMS).order_by(*order)
    return [
        ChurnInflowRow(
            month=g["month"],
            branch_id=g.get("branch_id"),
            branch=g.get("branch__name", ""),
            **{name: g[name] or 0 for name in SUMS},
        )
        for g in groups
    ]


# 2.2.4 Base at the end of a month -----------------------------------------------------------


@dataclass
class BaseTotals:
    month: date | None = None
    active_start: int = 0
    connected: int = 0
    terminated: int = 0
    active_end: int = 0
    charged: Decimal = ZERO
    paid: Decimal = ZERO
    debtors: int = 0
    debt: Decimal = ZERO

    @property
    def arpu(self) -> Decimal | None:
        return arpu(self.charged, self.active_start, self.active_end)


@dataclass
class BaseGroupRow:
    branch_id: int
    branch: str
    technology_code: str
    technology: str
    tariff_id: int | None
    tariff: str
    active_start: int
    active_end: int
    charged: Decimal
    share: Decimal | None = None

    @property
    def arpu(self) -> Decimal | None:
        return arpu(self.charged, self.active_start, self.active_end)


@dataclass
class BandRow:
    key: str
    band: str
    subscribers: int = 0
    balance: Decimal = ZERO
    share: Decimal | None = None


@dataclass
class BuildingRow:
    building_id: int
    city: str
    street: str
    house: str
    flats: int
    active: int

    @property
    def address(self) -> str:
        return f"{self.city}, {self.street}, {self.house}"

    @property
    def penetration(self) -> Decimal | None:
        return ratio(self.active, self.flats)


@dataclass
class BaseReport:
    at: date | None
    totals: BaseTotals
    groups: list[BaseGroupRow]
    tenure: list[BandRow]
    balance: list[BandRow]
    buildings: list[BuildingRow]
    buildings_total: int


def _tenure_band() -> Case:
    return Case(
        *[
            When(tenure_months__lte=band[1], then=i)
            for i, band in enumerate(TENURE_BANDS)
            if band[1] is not None
        ],
        default=len(TENURE_BANDS) - 1,
        output_field=IntegerField(),
    )


def _balance_band() -> Case:
    return Case(
        When(balance_end__lt=-5000, then=0),
        When(balance_end__lt=-1000, then=1),
        When(balance_end__lt=0, then=2),
        When(balance_end=0, then=3),
        When(balance_end__lt=1000, then=4),
        default=5,
        output_field=IntegerField(),
    )


def _active_facts(filters: ReportFilters, at: date) -> QuerySet:
    facts = MonthlyFact.objects.filter(month=at, active_end=True)
    if filters.branches:
        facts = facts.filter(branch_id__in=filters.branches)
    if filters.technologies:
        facts = facts.filter(technology__in=filters.technologies)
    if filters.tariffs:
        facts = facts.filter(tariff_id__in=filters.tariffs)
    return facts


def _bands(facts: QuerySet) -> tuple[list[BandRow], list[BandRow]]:
    """Both distributions from one pass over the month's facts."""
    tenure = [
        BandRow(key=f"{first}-{last}" if last is not None else f"{first}+", band=str(label))
        for first, last, label in TENURE_BANDS
    ]
    balance = [BandRow(key=key, band=str(label)) for key, label in BALANCE_BANDS]
    cells = (
        facts.annotate(tenure_band=_tenure_band(), balance_band=_balance_band())
        .values("tenure_band", "balance_band")
        .annotate(subscribers=Count("*"), balance=Sum("balance_end"))
        .order_by()
    )
    for cell in cells:
        for row in (tenure[cell["tenure_band"]], balance[cell["balance_band"]]):
            row.subscribers += cell["subscribers"]
            row.balance += cell["balance"] or ZERO
    for rows in (tenure, balance):
        total = sum(r.subscribers for r in rows)
        for r in rows:
            r.share = ratio(r.subscribers, total)
    return tenure, balance


def _buildings(facts: QuerySet, *, limit: int | None, offset: int) -> tuple[list[BuildingRow], int]:
    """Buildings with active subscribers, by penetration (highest first; no flats known last).

    Grouped by building id alone, with the total in the same pass; the addresses of the rows
    shown come in a second, small query."""
    rows = (
        facts.filter(subscriber__building__isnull=False)
        .values(building_id=F("subscriber__building_id"), flats=F("subscriber__building__flats"))
        .annotate(active=Count("*"))
        .annotate(
            rank=Cast("active", FloatField()) / NullIf("flats", 0),
            total=Window(Count("*")),
        )
        .order_by(F("rank").desc(nulls_last=True), "building_id")
    )
    page = list(rows[offset : offset + limit] if limit is not None else rows)
    shown = Building.objects.all()
    if limit is not None:  # else all of them: no list of ids as long as the base
        shown = shown.filter(pk__in=[r["building_id"] for r in page])
    addresses = {
        b["pk"]: b
        for b in shown.values(
            "pk", "house", street_name=F("street__name"), city=F("street__city__name")
        )
    }
    buildings = [
        BuildingRow(
            building_id=r["building_id"],
            city=addresses[r["building_id"]]["city"],
            street=addresses[r["building_id"]]["street_name"],
            house=addresses[r["building_id"]]["house"],
            flats=r["flats"],
            active=r["active"],
        )
        for r in page
    ]
    return buildings, (page[0]["total"] if page else 0)


def base(
    *,
    filters: ReportFilters,
    at: date | None,
    building_limit: int | None = None,
    building_offset: int = 0,
) -> BaseReport:
    """The base at the end of month `at`; the period filters do not apply."""
    if at is None:
        return BaseReport(None, BaseTotals(), [], [], [], [], 0)
    groups = (
        _summaries(filters, period=False)
        .filter(month=at)
        .values("branch_id", "branch__name", "technology", "tariff_id", "tariff__name")
        .annotate(**SUMS)
        .order_by("branch__name", "technology", "tariff__name", "tariff_id")
    )
    totals = BaseTotals(month=at)
    rows = []
    for g in groups:
        for name in SUMS:
            setattr(totals, name, getattr(totals, name) + (g[name] or 0))
        rows.append(
            BaseGroupRow(
                branch_id=g["branch_id"],
                branch=g["branch__name"],
                technology_code=g["technology"],
                technology=technology_label(g["technology"]),
                tariff_id=g["tariff_id"],
                tariff=g["tariff__name"] or str(NO_TARIFF),
                active_start=g["active_start"] or 0,
                active_end=g["active_end"] or 0,
                charged=g["charged"] or ZERO,
            )
        )
    for row in rows:
        row.share = ratio(row.active_end, totals.active_end)
    facts = _active_facts(filters, at)
    tenure, balance = _bands(facts)
    buildings, buildings_total = _buildings(facts, limit=building_limit, offset=building_offset)
    return BaseReport(at, totals, rows, tenure, balance, buildings, buildings_total)


# 2.2.5 Tariffs ------------------------------------------------------------------------------


@dataclass
class TariffRow:
    month: date
    tariff_id: int | None
    tariff: str
    subscribers: int
    active_start: int
    charged: Decimal
    share: Decimal | None

    @property
    def arpu(self) -> Decimal | None:
        return arpu(self.charged, self.active_start, self.subscribers)


@dataclass
class MigrationRow:
    from_tariff_id: int
    from_tariff: str
    to_tariff_id: int
    to_tariff: str
    subscribers: int


@dataclass
class TariffsReport:
    rows: list[TariffRow]
    migrations: list[MigrationRow]

    @property
    def tariff_names(self) -> list[str]:
        """Tariffs in order of their subscribers in the last month shown, largest first."""
        if not self.rows:
            return []
        last = self.rows[-1].month
        latest = {r.tariff: r.subscribers for r in self.rows if r.month == last}
        names = dict.fromkeys(r.tariff for r in self.rows)
        return sorted(names, key=lambda n: (-latest.get(n, 0), n))


def tariffs(*, filters: ReportFilters) -> TariffsReport:
    """Per month × tariff, with the share of all tariffs (the tariff filter picks rows, not the
    divisor); migrations between tariffs over the period (technology does not apply to them)."""
    groups = (
        _summaries(filters, tariffs=False)
        .values("month", "tariff_id", "tariff__name")
        .annotate(
            active_start=Sum("active_start"), active_end=Sum("active_end"), charged=Sum("charged")
        )
        .order_by("month", "tariff__name", "tariff_id")
    )
    groups = list(groups)
    month_active = defaultdict(int)
    for g in groups:
        month_active[g["month"]] += g["active_end"] or 0
    rows = [
        TariffRow(
            month=g["month"],
            tariff_id=g["tariff_id"],
            tariff=g["tariff__name"] or str(NO_TARIFF),
            subscribers=g["active_end"] or 0,
            active_start=g["active_start"] or 0,
            charged=g["charged"] or ZERO,
            share=ratio(g["active_end"] or 0, month_active[g["month"]]),
        )
        for g in groups
        if not filters.tariffs or g["tariff_id"] in filters.tariffs
    ]
    moves = TariffMigrationSummary.objects.all()
    if filters.branches:
        moves = moves.filter(branch_id__in=filters.branches)
    if filters.month_from:
        moves = moves.filter(month__gte=filters.month_from)
    if filters.month_to:
        moves = moves.filter(month__lte=filters.month_to)
    if filters.tariffs:
        moves = moves.filter(
            Q(from_tariff_id__in=filters.tariffs) | Q(to_tariff_id__in=filters.tariffs)
        )
    moves = (
        moves.values("from_tariff_id", "from_tariff__name", "to_tariff_id", "to_tariff__name")
        .annotate(subscribers=Sum("subscribers"))
        .order_by("from_tariff__name", "to_tariff__name")
    )
    migrations = [
        MigrationRow(
            from_tariff_id=m["from_tariff_id"],
            from_tariff=m["from_tariff__name"],
            to_tariff_id=m["to_tariff_id"],
            to_tariff=m["to_tariff__name"],
            subscribers=m["subscribers"] or 0,
        )
        for m in moves
    ]
    return TariffsReport(rows, migrations)
