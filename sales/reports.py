"""Queries of the daily sales report (2.3.2): applications, steps and connections of a day (or a
range of days) by branch, channel, source and agent, the month's plan against the actual, the
conversion funnel, and the report as an XLSX workbook.

Days are the branch's own: a branch in Novosibirsk and one in Moscow each count their day from
their local midnight, so every filter on a moment is a disjunction of per-time-zone UTC bounds
(one term per time zone in use, not per branch)."""

from __future__ import annotations

import io
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core.access import scoped
from core.models import Branch

from .models import Application, ApplicationEvent, Channel, SalesPlan, Source

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The funnel's steps; an application counts at a step when it ever took it.
FUNNEL = ("registered", "qualified", "scheduled", "connected")


# -- the day's bounds ---------------------------------------------------------------------------
def local_bounds(zone: str, first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) of the local days first..last in `zone`, as aware datetimes."""
    tz = zoneinfo.ZoneInfo(zone)
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def in_local_days(
    branches: Iterable[Branch], first: date, last: date, *, moment: str, branch_field: str
) -> Q:
    """Rows whose `moment` falls on the local days first..last of their branch."""
    zones: dict[str, list[int]] = defaultdict(list)
    for branch in branches:
        zones[branch.time_zone].append(branch.pk)
    condition = Q(pk__in=[])  # no branch: nothing
    for zone, ids in zones.items():
        start, end = local_bounds(zone, first, last)
        condition |= Q(
            **{f"{branch_field}__in": ids, f"{moment}__gte": start, f"{moment}__lt": end}
        )
    return condition


def local_today(branch: Branch, now: datetime) -> date:
    return now.astimezone(branch.tz).date()


# -- the report ---------------------------------------------------------------------------------
@dataclass
class SalesRow:
    """One line of the table: a branch, a channel, a source and an agent (or none)."""

    branch_id: int
    branch: str
    channel: str
    source: str
    agent_id: int | None
    agent: str
    registered: int = 0  # applications registered in the period
    qualified: int = 0  # steps taken in the period …
    scheduled: int = 0
    rejected: int = 0
    cancelled: int = 0
    connected: int = 0  # connected in the period (whenever registered)
    # The cohort: of the applications registered in the period, how many took each step so far.
    cohort_qualified: int = 0
    cohort_scheduled: int = 0
    cohort_connected: int = 0

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else self.channel

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label) if self.source in Source.values else self.source

    @property
    def conversion(self) -> float | None:
        """Connected of the registered of the period (the cohort, so far)."""
        return self.cohort_connected / self.registered if self.registered else None


@dataclass
class PlanRow:
    """The month's plan of a branch (agent None) or of one of its agents, against the actual."""

    branch_id: int
    branch: str
    agent_id: int | None
    agent: str
    plan: int | None
    actual: int  # connected from the month's first day to the report's last day

    @property
    def percent(self) -> float | None:
        return self.actual / self.plan if self.plan else None


@dataclass
class FunnelStep:
    code: str
    label: str
    count: int
    of_first: float | None  # share of the registered
    of_previous: float | None  # share of the step before


@dataclass
class DailySales:
    date_from: date
    date_to: date
    rows: list[SalesRow] = field(default_factory=list)
    total: SalesRow | None = None
    plans: list[PlanRow] = field(default_factory=list)
    funnel: list[FunnelStep] = field(default_factory=list)

    @property
    def month(self) -> date:
        return self.date_to.replace(day=1)

    @property
    def by_source(self) -> dict[str, tuple[int, int]]:
        """Registered and connected by source, for the chart."""
        sums: dict[str, list[int]] = {}
        for row in self.rows:
            pair = sums.setdefault(row.source_label, [0, 0])
            pair[0] += row.registered
            pair[1] += row.connected
        return {label: (a, b) for label, (a, b) in sums.items()}


def _agent_name(first: str | None, last: str | None, username: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or username or ""


def _branches(user, branch: Branch | None) -> list[Branch]:
    """The branches the report covers: the user's (user None: the system, every branch)."""
    branches = Branch.objects.order_by("name")
    if user is not None:
        branches = scoped(branches, user, field="pk")
    if branch is not None:
        branches = branches.filter(pk=branch.pk)
    return list(branches)


def daily_sales(
    *,
    user,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    branch: Branch | None = None,
    channel: str | None = None,
    source: str | None = None,
    agent=None,
) -> DailySales:
    """The daily sales report of `day` (or of date_from..date_to) in each branch's local days,
    narrowed to the user's branches (user None: every branch, for the e-mailed report)."""
    if day is not None:
        date_from = date_to = day
    if date_from is None or date_to is None:
        raise ValueError("daily_sales needs a day or both ends of a range")
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    report = DailySales(date_from, date_to)
    branches = _branches(user, branch)
    if not branches:
        report.total = _total([])
        report.funnel = _funnel(report.total)
        return report

    def narrow(prefix: str = "") -> Q:
        chosen = {"channel": channel, "source": source, "agent": agent}
        return Q(**{f"{prefix}{k}": v for k, v in chosen.items() if v not in (None, "")})

    def days(moment: str, prefix: str = "") -> Q:
        return in_local_days(
            branches, date_from, date_to, moment=moment, branch_field=f"{prefix}branch"
        )

    month_to_date = in_local_days(
        branches, date_to.replace(day=1), date_to, moment="connected_at", branch_field="branch"
    )
    # The bounds name only the user's branches; scoped() says so to a reader and to a test.
    applications = Application.objects.filter(narrow())
    events = ApplicationEvent.objects.filter(narrow("application__"))
    if user is not None:
        applications = scoped(applications, user)
        events = scoped(events, user, field="application__branch")
    keys = ("branch", "branch__name", "channel", "source", "agent")
    names = ("agent__first_name", "agent__last_name", "agent__username")
    registered = days("created_at")
    steps_of = ApplicationEvent.objects.filter(application=OuterRef("pk"))
    table = (
        applications.filter(registered | days("connected_at"))
        .values(*keys, *names)
        .annotate(
            registered=Count("pk", filter=registered),
            connected=Count("pk", filter=days("connected_at")),
            cohort_qualified=Count(
                "pk", filter=registered & Exists(steps_of.filter(action="qualify"))
            ),
            cohort_scheduled=Count(
                "pk", filter=registered & Exists(steps_of.filter(action="schedule"))
            ),
            cohort_connected=Count("pk", filter=registered & Q(connected_at__isnull=False)),
        )
        .order_by()
    )
    rows: dict[tuple, SalesRow] = {}

    def row_for(values: dict, prefix: str = "") -> SalesRow:
        key = tuple(values[f"{prefix}{k}"] for k in keys)
        if key not in rows:
            rows[key] = SalesRow(
                branch_id=key[0],
                branch=key[1],
                channel=key[2],
                source=key[3],
                agent_id=key[4],
                agent=_agent_name(*(values[f"{prefix}{n}"] for n in names)),
            )
        return rows[key]

    for values in table:
        row = row_for(values)
        for name in ("registered", "connected", *(f"cohort_{s}" for s in FUNNEL[1:])):
            setattr(row, name, values[name])

    steps = ("qualify", "schedule", "reject", "cancel")
    event_rows = (
        events.filter(days("at", "application__"), action__in=steps)
        .values(*(f"application__{k}" for k in (*keys, *names)))
        .annotate(**{action: Count("pk", filter=Q(action=action)) for action in steps})
        .order_by()
    )
    for values in event_rows:
        row = row_for(values, "application__")
        row.qualified = values["qualify"]
        row.scheduled = values["schedule"]
        row.rejected = values["reject"]
        row.cancelled = values["cancel"]

    report.rows = sorted(
        rows.values(),
        key=lambda r: (r.branch, r.channel, r.source, r.agent == "", r.agent.casefold()),
    )
    report.total = _total(report.rows)
    report.funnel = _funnel(report.total)
    report.plans = _plans(branches, report.month, applications.filter(month_to_date), agent)
    return report


def _total(rows: list[SalesRow]) -> SalesRow:
    total = SalesRow(0, _("Total"), "", "", None, "")
    for row in rows:
        for name in (
            "registered", "qualified", "scheduled", "rejected", "cancelled", "connected",
            "cohort_qualified", "cohort_scheduled", "cohort_connected",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def _funnel(total: SalesRow) -> list[FunnelStep]:
    labels = {
        "registered": _("Registered"),
        "qualified": _("Qualified"),
        "scheduled": _("Visit booked"),
        "connected": _("Connected"),
    }
    counts = [
        total.registered,
        total.cohort_qualified,
        total.cohort_scheduled,
        total.cohort_connected,
    ]
    steps = []
    for i, (code, count) in enumerate(zip(FUNNEL, counts, strict=True)):
        steps.append(
            FunnelStep(
                code,
                labels[code],
                count,
                count / counts[0] if counts[0] else None,
                count / counts[i - 1] if i and counts[i - 1] else None,
            )
        )
    return steps


def _plans(branches: list[Branch], month: date, connected, agent) -> list[PlanRow]:
    """Each branch's plan and its agents' plans for the month, with the connections from the
    month's first day to the report's last; an agent without a plan shows when they connected."""
    names = {b.pk: b.name for b in branches}
    plans = SalesPlan.objects.filter(month=month, branch__in=names)
    if agent is not None:
        plans = plans.filter(Q(agent=agent) | Q(agent=None))
    planned = {(p.branch_id, p.agent_id): p.connections for p in plans}
    actual: dict[tuple[int, int | None], int] = defaultdict(int)
    for branch_id, agent_id, n in (
        connected.values_list("branch", "agent").annotate(n=Count("pk")).order_by()
    ):
        actual[(branch_id, None)] += n
        if agent_id is not None:
            actual[(branch_id, agent_id)] += n
    agent_ids = {a for (_b, a) in [*planned, *actual] if a is not None}
    people = {
        u.pk: _agent_name(u.first_name, u.last_name, u.get_username())
        for u in get_user_model().objects.filter(pk__in=agent_ids)
    }
    rows = []
    for branch_id, branch_name in names.items():
        rows.append(
            PlanRow(
                branch_id,
                branch_name,
                None,
                "",
                planned.get((branch_id, None)),
                actual.get((branch_id, None), 0),
            )
        )
        agents = {a for (b, a) in [*planned, *actual] if b == branch_id and a is not None}
        for agent_id in sorted(agents, key=lambda a: people.get(a, "").casefold()):
            rows.append(
                PlanRow(
                    branch_id,
                    branch_name,
                    agent_id,
                    people.get(agent_id, ""),
                    planned.get((branch_id, agent_id)),
                    actual.get((branch_id, agent_id), 0),
                )
            )
    return rows


# -- the workbook -------------------------------------------------------------------------------
def report_xlsx(report: DailySales) -> bytes:
    """The report as a workbook: the table, the plan against the actual, the funnel."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Sales"))[:31]
    period = (
        f"{report.date_from:%d.%m.%Y}"
        if report.date_from == report.date_to
        else f"{report.date_from:%d.%m.%Y} – {report.date_to:%d.%m.%Y}"
    )
    sheet.append([str(_("Daily sales report")), period])
    sheet["A1"].font = Font(bold=True)
    header = [
        _("Branch"), _("Channel"), _("Source"), _("Agent"), _("Registered"), _("Qualified"),
        _("Visits booked"), _("Connected"), _("Rejected"), _("Cancelled"),
        _("Conversion of the registered"),
    ]  # fmt: skip
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in [*report.rows, report.total]:
        sheet.append(
            [
                r.branch, r.channel_label, r.source_label, r.agent, r.registered, r.qualified,
                r.scheduled, r.connected, r.rejected, r.cancelled, r.conversion,
            ]
        )  # fmt: skip
        sheet.cell(sheet.max_row, 11).number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJK", (22, 12, 18, 24, *[12] * 7), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"

    plans = book.create_sheet(str(_("Plan"))[:31])
    plans.append([str(_("Month")), f"{report.month:%m.%Y}", str(_("connected to")), report.date_to])
    plans.append([str(h) for h in (_("Branch"), _("Agent"), _("Plan"), _("Actual"), _("Done"))])
    for cell in plans[2]:
        cell.font = Font(bold=True)
    for p in report.plans:
        plans.append([p.branch, p.agent or str(_("whole branch")), p.plan, p.actual, p.percent])
        plans.cell(plans.max_row, 5).number_format = "0.0%"
    plans.column_dimensions["A"].width = 22
    plans.column_dimensions["B"].width = 24

    funnel = book.create_sheet(str(_("Funnel"))[:31])
    funnel.append([str(h) for h in (_("Step"), _("Applications"), _("Of the registered"))])
    for cell in funnel[1]:
        cell.font = Font(bold=True)
    for step in report.funnel:
        funnel.append([str(step.label), step.count, step.of_first])
        funnel.cell(funnel.max_row, 3).number_format = "0.0%"
    funnel.column_dimensions["A"].width = 22

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
