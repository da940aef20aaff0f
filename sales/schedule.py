"""The installation schedule (2.3.3): the slots of the teams' working days, booking a visit into
one (capacity, territory and skill checked under a lock of the slot row), moving and cancelling
visits, the board of a branch, the teams and their days off, the route sheet of a team's day and
the SMS reminders of the eve and the morning of a visit."""

from __future__ import annotations

import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import documents
from core.models import Branch

from .models import Application, Installer, Reason, Slot, Team, TeamDay, Visit
from .services import application_step, prospect_moment, prospect_sms
from .workflow import APPLICATION

log = logging.getLogger(__name__)

ACTIVE = (Visit.State.BOOKED, Visit.State.STARTED)
SHOWN = (Visit.State.BOOKED, Visit.State.STARTED, Visit.State.DONE, Visit.State.FAILED)
BOOKING_DAYS = 14  # how far ahead the booking page offers slots


def taken_message() -> str:
    return _("This slot was just taken — choose another.")


# -- slot times ---------------------------------------------------------------------------------
def slot_times_parse(values: list[str]) -> list[tuple[time, time]]:
    """["09:00-11:00", …] as (from, until) pairs, sorted; ValidationError on a bad or
    overlapping one."""
    pairs = []
    for raw in values:
        text = str(raw).replace("–", "-").replace(" ", "")
        try:
            left, right = text.split("-")
            starts, ends = time.fromisoformat(left), time.fromisoformat(right)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a slot: write it as 09:00-11:00.") % {"value": raw}
            ) from None
        if ends <= starts:
            raise ValidationError(_("The slot “%(value)s” ends before it starts.") % {"value": raw})
        pairs.append((starts, ends))
    pairs.sort()
    for (_s1, e1), (s2, _e2) in zip(pairs, pairs[1:], strict=False):
        if s2 < e1:
            raise ValidationError(_("The slots of a day overlap."))
    return pairs


def slot_label(slot: Slot) -> str:
    """The slot as the SMS and the route sheet say it: "27.11, 14:00–16:00"."""
    return f"{slot.date:%d.%m}, {slot.starts:%H:%M}–{slot.ends:%H:%M}"


# -- slots --------------------------------------------------------------------------------------
def _working(team: Team, day: date, exceptions: dict[tuple[int, date], bool]) -> bool:
    if (team.pk, day) in exceptions:
        return exceptions[team.pk, day]
    return day.isoweekday() in (team.weekdays or [])


def slots_ensure(*, branch: Branch, start: date, end: date) -> int:
    """Create the missing slots of every active team of the branch for the days start…end
    (inclusive) from its working week, its slots of a day and its days off; idempotent.
    Returns how many were created."""
    teams = list(Team.objects.filter(branch=branch, active=True))
    if not teams or end < start:
        return 0
    exceptions = {
        (team_id, day): working
        for team_id, day, working in TeamDay.objects.filter(
            team__in=teams, date__range=(start, end)
        ).values_list("team_id", "date", "working")
    }
    existing = set(
        Slot.objects.filter(team__in=teams, date__range=(start, end)).values_list(
            "team_id", "date", "starts"
        )
    )
    new = []
    for team in teams:
        try:
            times = slot_times_parse(team.slot_times or [])
        except ValidationError:
            log.warning("team %s has bad slot times %r", team.pk, team.slot_times)
            continue
        day = start
        while day <= end:
            if _working(team, day, exceptions):
                for starts, ends in times:
                    if (team.pk, day, starts) not in existing:
                        new.append(
                            Slot(
                                team=team, date=day, starts=starts, ends=ends,
                                capacity=team.slot_capacity,
                            )
                        )  # fmt: skip
            day += timedelta(days=1)
    # ignore_conflicts: a concurrent ensure of the same days made some of them first.
    Slot.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def local_now(branch: Branch, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(branch.time_zone))


def _street_ids(teams) -> dict[int, set[int]]:
    streets = defaultdict(set)
    for team_id, street_id in Team.streets.through.objects.filter(team__in=teams).values_list(
        "team_id", "street_id"
    ):
        streets[team_id].add(street_id)
    return streets


def team_refusal(team: Team, application: Application, streets: set[int]) -> str:
    """Why the team cannot take the application ("" if it can): branch, territory, skill."""
    if team.branch_id != application.branch_id:
        return _("This team works in another branch.")
    if streets and (application.building is None or application.building.street_id not in streets):
        return _("The address is outside this team's territory.")
    if application.technology and application.technology not in (team.technologies or []):
        return _("This team does not install %(technology)s.") % {
            "technology": application.technology
        }
    return ""


def _started(slot: Slot, now_local: datetime) -> bool:
    today = now_local.date()
    return slot.date < today or (slot.date == today and slot.starts <= now_local.time())


def slots_free(*, application: Application, start: date, end: date) -> list[Slot]:
    """The slots the application may take between start and end (inclusive): of a team of its
    branch whose territory holds its street and who installs its technology, not full, not
    begun."""
    teams = list(Team.objects.filter(branch_id=application.branch_id, active=True))
    streets = _street_ids(teams)
    fits = [t.pk for t in teams if not team_refusal(t, application, streets.get(t.pk, set()))]
    if not fits:
        return []
    now_local = local_now(application.branch)
    slots = (
        Slot.objects.filter(team__in=fits, date__range=(start, end), booked__lt=F("capacity"))
        .select_related("team")
        .order_by("date", "starts", "team__name")
    )
    return [s for s in slots if not _started(s, now_local)]


# -- visits -------------------------------------------------------------------------------------
def _check_slot(slot: Slot, application: Application) -> None:
    streets = _street_ids([slot.team_id]).get(slot.team_id, set())
    problem = team_refusal(slot.team, application, streets)
    if problem:
        raise ValidationError(problem)
    if not slot.team.active:
        raise ValidationError(_("This team is not working now."))
    if _started(slot, local_now(application.branch)):
        raise ValidationError(_("This slot has already begun — choose another."))
    if slot.booked >= slot.capacity:
        raise ValidationError(taken_message())


def _take(slot: Slot) -> None:
    # Guarded by booked < capacity as well as by the row lock and the DB check.
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise ValidationError(taken_message())


def _release(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _locked(application: Application, slot: Slot) -> tuple[Application, Slot]:
    # Always the application first, then the slot: two bookings never wait for each other.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("branch", "building")
        .get(pk=application.pk)
    )
    slot = Slot.objects.select_for_update(of=("self",)).select_related("team").get(pk=slot.pk)
    return application, slot


@transaction.atomic
def visit_book(*, application: Application, slot: Slot, by, comment: str = "") -> Visit:
    """Book the application's installation visit into the slot and schedule the application.
    A slot just filled, outside the team's territory or skill, or an application that cannot
    be scheduled (or already is: a double submit) is refused, and nothing is written."""
    application, slot = _locked(application, slot)
    if Visit.objects.filter(application=application, state__in=ACTIVE).exists():
        raise ValidationError(_("This application already has a visit booked."))
    if APPLICATION.find(application.state, "schedule") is None:
        raise ValidationError(
            _("An application that is “%(state)s” cannot be booked.")
            % {"state": application.get_state_display()}
        )
    _check_slot(slot, application)
    _take(slot)
    visit = Visit.objects.create(
        kind=Visit.Kind.INSTALL, application=application, slot=slot, booked_by=_user(by),
        comment=comment.strip(), order=slot.starts.hour * 60 + slot.starts.minute,
    )  # fmt: skip
    application_step(application=application, action="schedule", by=by, automatic=True)
    return visit


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _reason(reason: Reason | None) -> Reason:
    if reason is None:
        raise ValidationError({"reason": _("Choose the reason.")})
    return reason


@transaction.atomic
def visit_move(*, visit: Visit, slot: Slot, by, reason: Reason | None, note: str = "") -> Visit:
    """Move a booked visit to another slot: the old one is freed, the visit there is marked
    moved, a new one is booked, and the application records the rescheduling with its reason.
    The subscriber gets the "slot changed" SMS if the operator uses that template."""
    reason = _reason(reason)
    visit = Visit.objects.select_related("application").get(pk=visit.pk)
    if visit.state != Visit.State.BOOKED or visit.application is None:
        raise ValidationError(_("Only a booked installation visit can be moved."))
    application, slot = _locked(visit.application, slot)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.state != Visit.State.BOOKED:
        raise ValidationError(_("Only a booked installation visit can be moved."))
    if slot.pk == visit.slot_id:
        raise ValidationError(_("The visit is already in this slot."))
    _check_slot(slot, application)
    application_step(
        application=application, action="reschedule", by=by, reason=reason, note=note,
        release_visits=False,
    )  # fmt: skip
    visit.state = Visit.State.MOVED
    visit.reason = reason
    visit.save(update_fields=["state", "reason"])
    _release(visit.slot_id)
    _take(slot)
    moved = Visit.objects.create(
        kind=visit.kind, application=application, slot=slot, booked_by=_user(by),
        comment=visit.comment, order=slot.starts.hour * 60 + slot.starts.minute,
    )  # fmt: skip
    application_step(application=application, action="schedule", by=by, automatic=True)
    prospect_sms(application, "slot_changed", {"slot": slot_label(slot)})
    return moved


@transaction.atomic
def visit_cancel(*, visit: Visit, by, reason: Reason | None, note: str = "") -> Visit:
    """Cancel a booked visit: its place in the slot is freed and the application goes back to
    "rescheduled", to be booked again (or cancelled by its own step)."""
    reason = _reason(reason)
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("application").get(pk=visit.pk)
    )
    if visit.state != Visit.State.BOOKED:
        raise ValidationError(_("Only a booked visit can be cancelled."))
    if visit.application is not None and visit.application.state == Application.State.SCHEDULED:
        application_step(
            application=visit.application, action="reschedule", by=by, reason=reason, note=note,
            release_visits=False,
        )  # fmt: skip
    visit.state = Visit.State.CANCELLED
    visit.reason = reason
    visit.save(update_fields=["state", "reason"])
    _release(visit.slot_id)
    return visit


# -- teams --------------------------------------------------------------------------------------
@transaction.atomic
def team_save(*, team: Team, streets=None, installers=None, by=None) -> Team:
    """Save a team (new or changed) after checking its week, slots and territory; the slots
    already made keep their times, new days get the new ones."""
    team.weekdays = sorted({int(d) for d in team.weekdays or []})
    if any(d < 1 or d > 7 for d in team.weekdays):
        raise ValidationError({"weekdays": _("Working days are 1 (Monday) to 7 (Sunday).")})
    try:
        times = slot_times_parse(team.slot_times or [])
    except ValidationError as e:
        raise ValidationError({"slot_times": e.messages}) from None
    team.slot_times = [f"{s:%H:%M}-{e:%H:%M}" for s, e in times]
    if team.slot_capacity < 1:
        raise ValidationError({"slot_capacity": _("A slot takes at least one visit.")})
    team.full_clean(exclude=["streets"])
    team.save()
    if streets is not None:
        streets = list(streets)
        foreign = [s for s in streets if s.city.branch_id != team.branch_id]
        if foreign:
            raise ValidationError(
                {"streets": _("%(street)s is not in this branch.") % {"street": foreign[0]}}
            )
        team.streets.set(streets)
    if installers is not None:
        # An installer works in one team: joining this one moves them from another.
        chosen = {u.pk for u in installers}
        Installer.objects.filter(team=team).exclude(user__in=chosen).delete()
        for user_id in chosen:
            Installer.objects.update_or_create(user_id=user_id, defaults={"team": team})
    return team


@transaction.atomic
def team_day_set(*, team: Team, day: date, working: bool, note: str = "", by=None) -> TeamDay:
    """Mark a day off (or an extra working day) of the team. A day off removes the day's free
    slots; one with visits booked is refused until they are moved."""
    if not working:
        slots = Slot.objects.select_for_update().filter(team=team, date=day)
        if any(s.booked for s in slots):
            raise ValidationError(
                _("The team has visits booked on %(day)s: move them first.")
                % {"day": f"{day:%d.%m.%Y}"}
            )
        Slot.objects.filter(team=team, date=day, booked=0).delete()
    team_day, _created = TeamDay.objects.update_or_create(
        team=team, date=day, defaults={"working": working, "note": note.strip()}
    )
    if working:
        slots_ensure(branch=team.branch, start=day, end=day)
    return team_day


@transaction.atomic
def team_day_remove(*, team_day: TeamDay, by=None) -> None:
    """Back to the team's usual week on that day."""
    team, day, working = team_day.team, team_day.date, team_day.working
    if working and day.isoweekday() not in (team.weekdays or []):
        if Slot.objects.filter(team=team, date=day, booked__gt=0).exists():
            raise ValidationError(_("The team has visits booked on that day: move them first."))
        Slot.objects.filter(team=team, date=day).delete()
    team_day.delete()
    if not working:
        slots_ensure(branch=team.branch, start=day, end=day)


# -- the board ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardVisit:
    application_id: int | None
    number: str
    address: str
    state: str  # the application's state, as the page says it
    kind: str

    @property
    def title(self) -> str:
        return f"{self.number} · {self.address} · {self.state}"


@dataclass
class Cell:
    slot_id: int
    time: str  # "09:00–11:00"
    capacity: int
    booked: int
    visits: list[BoardVisit] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.booked >= self.capacity


@dataclass
class Row:
    team: Team
    days: list[list[Cell]]  # one list of cells per day of the board
    html: list[str] = field(default_factory=list)  # the same days as markup (board_html)


@dataclass
class Board:
    branch: Branch
    days: list[date]
    rows: list[Row]


def board(*, branch: Branch, start: date, days: int) -> Board:
    """The teams of the branch as rows and their slots of `days` days from start as cells, with
    the visits in them: three queries whatever the size, read as plain values (a week of 50
    teams is some 1,400 cells; model instances and their display methods would cost more than
    the queries)."""
    dates = [start + timedelta(days=i) for i in range(days)]
    end = dates[-1]
    teams = list(Team.objects.filter(branch=branch, active=True).order_by("name"))
    states = {key: str(label) for key, label in Application.State.choices}
    kinds = {key: str(label) for key, label in Visit.Kind.choices}
    visits = defaultdict(list)
    for (
        slot_id, kind, application_id, number, state, address, flat, house, street
    ) in (
        Visit.objects.filter(
            slot__team__branch=branch, slot__date__range=(start, end), state__in=SHOWN
        )
        .order_by("order", "id")
        .values_list(
            "slot_id", "kind", "application_id", "application__number", "application__state",
            "application__address", "application__flat", "application__building__house",
            "application__building__street__name",
        )
    ):  # fmt: skip
        place = f"{street}, {house}" if street else (address or "")
        if flat:
            place = f"{place}–{flat}"
        visits[slot_id].append(
            BoardVisit(application_id, number or "", place, states.get(state, ""), kinds[kind])
        )
    index = {team.pk: i for i, team in enumerate(teams)}
    position = {day: i for i, day in enumerate(dates)}
    rows = [Row(team, [[] for _ in dates]) for team in teams]
    for pk, team_id, day, starts, ends, capacity, booked in (
        Slot.objects.filter(team__branch=branch, team__active=True, date__range=(start, end))
        .order_by("starts")
        .values_list("id", "team_id", "date", "starts", "ends", "capacity", "booked")
    ):
        if team_id in index:
            rows[index[team_id]].days[position[day]].append(
                Cell(pk, f"{starts:%H:%M}–{ends:%H:%M}", capacity, booked, visits.get(pk, []))
            )
    return Board(branch, dates, rows)


def board_html(grid: Board, *, day_view: bool, application_url: str) -> None:
    """Write each row's days as markup into row.html. A week of 50 teams is some 1,400 slots
    and as many visits: the template's nested loops over them took most of the page's time
    (about 0.3 s), plain string building with every value escaped takes a tenth of it."""
    hint = escape(_("booked / capacity"))
    empty = '<span class="text-body-secondary small">—</span>'
    for row in grid.rows:
        row.html = []
        for cells in row.days:
            parts = []
            for cell in cells:
                full = cell.full
                parts.append(
                    f'<div class="ab-slot {"ab-full" if full else "ab-free"}">'
                    f'<div class="d-flex justify-content-between gap-2"><span>{escape(cell.time)}'
                    f'</span><span class="{"text-body-secondary" if full else "text-success"}" '
                    f'title="{hint}">{cell.booked}/{cell.capacity}</span></div>'
                )
                for v in cell.visits:
                    if v.application_id is None:
                        parts.append(f'<span class="ab-visit">{escape(v.kind)}</span>')
                        continue
                    more = (
                        f' · {escape(v.address)} · <span class="text-body-secondary">'
                        f"{escape(v.state)}</span>"
                        if day_view
                        else ""
                    )
                    parts.append(
                        f'<a class="ab-visit" href="{application_url}{v.application_id}/" '
                        f'title="{escape(v.title)}">{escape(v.number)}{more}</a>'
                    )
                parts.append("</div>")
            row.html.append(mark_safe("".join(parts) or empty))  # noqa: S308 — escaped above


def visit_address(application: Application) -> str:
    if application.building_id is not None:
        place = f"{application.building.street.name}, {application.building.house}"
    else:
        place = application.address
    return f"{place}, {_('fl.')} {application.flat}" if application.flat else place


# -- the route sheet ----------------------------------------------------------------------------
ROUTE_SHEET = "sales.route_sheet"


def route_sheet_context(*, team: Team, day: date) -> dict:
    """A team's day for the route sheet: its visits in order with the time, address, flat,
    name, phone, tariff, application number and note (plain values for the template)."""
    visits = (
        Visit.objects.filter(slot__team=team, slot__date=day, state__in=SHOWN)
        .select_related("slot", "application__building__street", "application__tariff")
        .order_by("slot__starts", "order", "id")
    )
    rows = []
    for i, visit in enumerate(visits, start=1):
        application = visit.application
        address = ""
        if application is not None:
            address = (
                f"{application.building.street.name}, {application.building.house}"
                if application.building_id is not None
                else application.address
            )
        rows.append(
            {
                "n": i,
                "time": f"{visit.slot.starts:%H:%M}–{visit.slot.ends:%H:%M}",
                "address": address,
                "flat": application.flat if application else "",
                "name": application.full_name if application else "",
                "phone": application.phone if application else "",
                "tariff": str(application.tariff) if application and application.tariff else "",
                "number": application.number if application else "",
                "note": "; ".join(
                    part for part in (application.note if application else "", visit.comment)
                    if part
                ),
            }
        )  # fmt: skip
    installers = ", ".join(str(i) for i in team.installers.select_related("user"))
    return {
        "team": team.name,
        "branch": str(team.branch),
        "date": f"{day:%d.%m.%Y}",
        "installers": installers,
        "visits": rows,
        "count": len(rows),
    }


def _route_sheet_template() -> bytes:
    return documents.table_template(
        heading=_("Route sheet") + " — {{ team }}, {{ date }}",
        lines=[
            _("Branch") + ": {{ branch }}",
            _("Installers") + ": {{ installers }}",
            _("Visits") + ": {{ count }}",
        ],
        columns=[
            ("№", "v.n"),
            (_("Time"), "v.time"),
            (_("Address"), "v.address"),
            (_("Flat"), "v.flat"),
            (_("Name"), "v.name"),
            (_("Phone"), "v.phone"),
            (_("Tariff"), "v.tariff"),
            (_("Application"), "v.number"),
            (_("Note"), "v.note"),
        ],
        loop="visits",
        item="v",
        footer=["", _("Signature of the installer") + ": ____________________"],
        landscape=True,
    )


def _route_sheet_sample() -> dict:
    return {
        "team": "Бригада 1",
        "branch": "Уральский филиал",
        "date": "27.11.2026",
        "installers": "Иванов И.",
        "count": 1,
        "visits": [
            {
                "n": 1, "time": "09:00–11:00", "address": "ул. Ленина, 12", "flat": "5",
                "name": "Петров Пётр", "phone": "+79120000000", "tariff": "Домашний 100",
                "number": "26-000001", "note": "",
            }
        ],
    }  # fmt: skip


documents.register_template(
    ROUTE_SHEET, gettext_lazy("Route sheet of an installation team"), _route_sheet_template,
    sample=_route_sheet_sample,
)  # fmt: skip


# -- SMS to the prospect ------------------------------------------------------------------------
EVE, MORNING = "eve", "morning"
# The eve's text says "tomorrow"; the morning one needs a text of its own (see the report).
REMINDER_TEMPLATES = {EVE: "installation_reminder", MORNING: "installation_today"}
REMINDER_FROM = {EVE: time(18), MORNING: time(8)}


def visit_reminders_send(now: datetime | None = None) -> int:
    """The reminders due: the eve one for tomorrow's visits from 18:00 local time, the morning
    one for today's from 08:00, each once per visit (Visit.reminded). One the quiet hours would
    push to the visit's own day is left to the morning reminder. Returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    for branch in Branch.objects.all():
        local = local_now(branch, now)
        due = []
        if local.time() >= REMINDER_FROM[MORNING]:
            due.append((MORNING, local.date()))
        if local.time() >= REMINDER_FROM[EVE]:
            due.append((EVE, local.date() + timedelta(days=1)))
        for kind, day in due:
            candidates = Visit.objects.filter(
                slot__team__branch=branch, slot__date=day, state=Visit.State.BOOKED,
                application__isnull=False,
            ).values_list("pk", "reminded")  # fmt: skip
            for pk, reminded in candidates:
                if kind not in (reminded or []):
                    sent += _remind(pk, kind, local, now)
    return sent


@transaction.atomic
def _remind(pk: int, kind: str, local: datetime, now: datetime) -> int:
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("slot", "application__branch")
        .get(pk=pk)
    )
    if kind in visit.reminded or visit.state != Visit.State.BOOKED:
        return 0
    if kind == MORNING and visit.slot.ends <= local.time():
        return 0  # the visit's time is over: no point
    done = 0
    if kind == EVE:
        at = prospect_moment(visit.application.branch, now)
        if at is not None and at.date() >= visit.slot.date:
            visit.reminded = [*visit.reminded, kind]  # the morning one will say it
            visit.save(update_fields=["reminded"])
            return 0
    values = {"slot": slot_label(visit.slot)}
    if prospect_sms(visit.application, REMINDER_TEMPLATES[kind], values, now=now):
        done = 1
    else:
        return 0  # not marked: tried again on the next run (a gateway or template added)
    visit.reminded = [*visit.reminded, kind]
    visit.save(update_fields=["reminded"])
    return done
