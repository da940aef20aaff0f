"""Pages of the installation schedule: the board of a branch (a day or a week), booking a visit
for an application, moving or cancelling a booked one, the teams with their days off, and a
team's route sheet of a day."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import documents
from core.access import branches_of, scoped
from core.forms import add_errors

from .. import schedule
from ..models import Application, Reason, ReasonKind, Slot, Team, TeamDay, Visit
from ..schedule_forms import TeamDayForm, TeamForm


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _team(request, pk: int) -> Team:
    team = scoped(Team.objects.select_related("branch"), request.user).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


# -- the board ----------------------------------------------------------------------------------
@permission_required("sales.view_slot", raise_exception=True)
@require_safe
def board(request):
    branches = list(branches_of(request.user))
    if not branches:
        raise Http404
    chosen = request.GET.get("branch", "")
    branch = next((b for b in branches if str(b.pk) == chosen), branches[0])
    today = schedule.local_now(branch).date()
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _day(request.GET.get("date"), today)
    if view == "week":
        start, length, step = day - timedelta(days=day.weekday()), 7, 7
    else:
        start, length, step = day, 1, 1
    end = start + timedelta(days=length - 1)
    if end >= today:
        # Slots appear as the days come into view: idempotent, and cheap once they exist.
        schedule.slots_ensure(branch=branch, start=max(start, today), end=end)
    grid = schedule.board(branch=branch, start=start, days=length)
    # One reverse() for the page, not one per visit (a week holds over a thousand).
    schedule.board_html(
        grid,
        day_view=view == "day",
        application_url=reverse("sales:application", kwargs={"pk": 0})[:-2],
    )
    return render(
        request,
        "sales/schedule_board.html",
        {
            "grid": grid,
            "branches": branches,
            "branch": branch,
            "view": view,
            "day": day,
            "today": today,
            "previous": start - timedelta(days=step),
            "next": start + timedelta(days=step),
            "end": end,
        },
    )


# -- booking ------------------------------------------------------------------------------------
def _application(request, pk: int) -> Application:
    rows = scoped(Application.objects.select_related("branch", "building__street"), request.user)
    application = rows.filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def book_posted(request, book):
    """Book the slot the form names with `book(slot)`; the visit, or None with the reason
    shown (no slot chosen, the slot just taken, …)."""
    slot = Slot.objects.filter(pk=request.POST.get("slot") or 0).first()
    if slot is None:
        messages.error(request, _("Choose a slot."))
        return None
    try:
        visit = book(slot)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return None
    messages.success(
        request,
        _("The visit is booked: %(slot)s, %(team)s.")
        % {"slot": schedule.slot_label(visit.slot), "team": visit.slot.team},
    )
    return visit


@permission_required("sales.add_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def application_book(request, pk: int):
    application = _application(request, pk)
    if request.method == "POST":
        booked = book_posted(
            request,
            lambda slot: schedule.visit_book(application=application, slot=slot, by=request.user),
        )
        if booked is not None:
            return redirect("sales:application", pk=application.pk)
        application.refresh_from_db()
    today = schedule.local_now(application.branch).date()
    end = today + timedelta(days=schedule.BOOKING_DAYS - 1)
    with transaction.atomic():
        schedule.slots_ensure(branch=application.branch, start=today, end=end)
    free = schedule.slots_free(application=application, start=today, end=end)
    days: dict[date, list[Slot]] = {}
    for slot in free:
        days.setdefault(slot.date, []).append(slot)
    bookable = schedule.APPLICATION.find(application.state, "schedule") is not None
    return render(
        request,
        "sales/schedule_book.html",
        {"application": application, "days": days, "bookable": bookable},
    )


# -- moving and cancelling a visit --------------------------------------------------------------
MOVE_PERMISSIONS = ("sales.change_visit", "sales.change_application")


def _visit(request, pk: int) -> Visit:
    rows = scoped(
        Visit.objects.select_related("slot__team", "application__branch", "application__building"),
        request.user,
        field="slot__team__branch",
    )
    visit = rows.filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def _movable(visit: Visit) -> bool:
    return visit.state == Visit.State.BOOKED and visit.application_id is not None


def _rescheduling_reason(request) -> Reason | None:
    rows = Reason.objects.filter(kind=ReasonKind.RESCHEDULED, active=True)
    return rows.filter(pk=request.POST.get("reason") or 0).first()


# Installers hold change_visit to close their jobs; moving one is the coordinator's, so the
# application's permission is asked too (its "reschedule" step needs it anyway).
@permission_required(MOVE_PERMISSIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_move(request, pk: int):
    visit = _visit(request, pk)
    if request.method == "POST":
        slot = scoped(Slot.objects, request.user, field="team__branch")
        slot = slot.filter(pk=request.POST.get("slot") or 0).first()
        if slot is None:
            messages.error(request, _("Choose a slot."))
        else:
            try:
                moved = schedule.visit_move(
                    visit=visit, slot=slot, by=request.user,
                    reason=_rescheduling_reason(request), note=request.POST.get("note", ""),
                )  # fmt: skip
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(
                    request,
                    _("The visit is moved: %(slot)s, %(team)s.")
                    % {"slot": schedule.slot_label(moved.slot), "team": moved.slot.team},
                )
                return redirect("sales:application", pk=moved.application_id)
        visit = _visit(request, pk)
    days: dict[date, list[Slot]] = {}
    movable = _movable(visit)
    if movable:
        application = visit.application
        today = schedule.local_now(application.branch).date()
        end = today + timedelta(days=schedule.BOOKING_DAYS - 1)
        with transaction.atomic():
            schedule.slots_ensure(branch=application.branch, start=today, end=end)
        for slot in schedule.slots_free(application=application, start=today, end=end):
            if slot.pk != visit.slot_id:
                days.setdefault(slot.date, []).append(slot)
    return render(
        request,
        "sales/visit_move.html",
        {
            "visit": visit,
            "application": visit.application,
            "movable": movable,
            "days": days,
            "booking_days": schedule.BOOKING_DAYS,
            "reasons": list(Reason.objects.filter(kind=ReasonKind.RESCHEDULED, active=True)),
            "posted": request.POST if request.method == "POST" else {},
        },
    )


@permission_required(MOVE_PERMISSIONS, raise_exception=True)
@require_POST
def visit_cancel(request, pk: int):
    visit = _visit(request, pk)
    if visit.application_id is None:
        # A relocation's visit goes with its relocation (sales.relocation.relocation_cancel).
        messages.error(request, _("Only a booked installation visit can be cancelled here."))
    else:
        try:
            schedule.visit_cancel(
                visit=visit, by=request.user, reason=_rescheduling_reason(request),
                note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The visit is cancelled and its place in the slot freed."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    if visit.application_id is not None:
        return redirect("sales:application", pk=visit.application_id)
    return redirect("sales:relocation", pk=visit.relocation_id)


# -- teams --------------------------------------------------------------------------------------
@permission_required("sales.view_team", raise_exception=True)
@require_safe
def teams(request):
    rows = (
        scoped(Team.objects.select_related("branch"), request.user)
        .prefetch_related("streets")
        .order_by("branch__name", "name")
    )
    return render(request, "sales/schedule_teams.html", {"teams": rows})


@permission_required("sales.change_team", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int | None = None):
    team = _team(request, pk) if pk else Team()
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = schedule.team_save(
                    team=form.save(commit=False), streets=form.cleaned_data["streets"],
                    installers=form.cleaned_data["installers"], by=request.user,
                )  # fmt: skip
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("The team %(name)s was saved.") % {"name": saved.name})
            return redirect("sales:teams")
    return render(
        request, "sales/schedule_team_form.html", {"form": form, "team": team if pk else None}
    )


@permission_required("sales.change_team", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_days(request, pk: int):
    team = _team(request, pk)
    form = TeamDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule.team_day_set(
                team=team, day=form.cleaned_data["date"], working=form.cleaned_data["working"],
                note=form.cleaned_data["note"], by=request.user,
            )  # fmt: skip
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("The day was saved."))
            return redirect("sales:team_days", pk=team.pk)
    today = schedule.local_now(team.branch).date()
    days = team.days.filter(date__gte=today - timedelta(days=30)).order_by("date")
    return render(
        request, "sales/schedule_team_days.html", {"team": team, "form": form, "days": days}
    )


@permission_required("sales.delete_teamday", raise_exception=True)
@require_POST
def team_day_remove(request, pk: int, day_pk: int):
    team = _team(request, pk)
    team_day = TeamDay.objects.filter(team=team, pk=day_pk).first()
    if team_day is None:
        raise Http404
    try:
        schedule.team_day_remove(team_day=team_day, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("sales:team_days", pk=team.pk)


# -- the route sheet ----------------------------------------------------------------------------
@permission_required("sales.view_visit", raise_exception=True)
@require_safe
def route_sheet(request, team: int, day: str, kind: str):
    team = _team(request, team)
    if kind not in ("docx", "pdf"):
        raise Http404
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    context = schedule.route_sheet_context(team=team, day=when)
    if kind == "pdf":
        content = documents.render_pdf(schedule.ROUTE_SHEET, context)
        response = HttpResponse(content, content_type="application/pdf")
    else:
        content = documents.render_docx(schedule.ROUTE_SHEET, context)
        response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    name = f"route-{team.pk}-{when:%Y-%m-%d}.{kind}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
