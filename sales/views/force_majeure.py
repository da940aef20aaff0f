"""Pages of force majeure (3.2.3): choose the day, team or area → the affected visits with a
proposed slot each (editable) → a preview of the SMS, nothing written → move and notify → the
log."""

import uuid
from collections import Counter
from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from .. import force_majeure as fm
from .. import schedule
from ..force_majeure_forms import AffectedForm, reasons
from ..models import Slot

# The keepers of the schedule: the coordinator and the head (an installer changes visits too,
# but only the schedule's keepers change slots).
PERMISSIONS = ("sales.change_visit", "sales.change_slot")
SESSION_KEY = "sales.force_majeure"
KEPT_RESULTS = 5


def _reason(request):
    chosen = reasons().filter(pk=request.POST.get("reason") or 0).first()
    return chosen or fm.force_majeure_reason()


@permission_required(PERMISSIONS, raise_exception=True)
@require_safe
def force_majeure(request):
    form = AffectedForm(request.GET or None, user=request.user)
    rows = None
    if form.is_bound and form.is_valid():
        criteria = form.criteria()
        branch, day = criteria["branch"], criteria["day"]
        start = max(schedule.local_now(branch).date(), day + timedelta(days=1))
        with transaction.atomic():  # the slots of the days looked at, as the booking page does
            schedule.slots_ensure(
                branch=branch, start=start, end=start + timedelta(days=schedule.BOOKING_DAYS - 1)
            )
        rows = fm.proposal(fm.affected_visits(**criteria))
    return render(
        request,
        "sales/force_majeure.html",
        {
            "form": form,
            "rows": rows,
            "reasons": reasons(),
            "reason": fm.force_majeure_reason(),
            "unplaced": sum(1 for r in rows if r.slot is None) if rows else 0,
        },
    )


def _chosen(request, form: AffectedForm) -> tuple[list, int]:
    """The (visit, slot) pairs chosen on the page among the visits still affected, and how many
    visits are left where they are."""
    visits = list(fm.affected_visits(**form.criteria()))
    wanted = {v.pk: request.POST.get(f"slot_{v.pk}", "") for v in visits}
    ids = {int(x) for x in wanted.values() if x.isdigit()}
    slots = Slot.objects.filter(pk__in=ids, team__branch=form.cleaned_data["branch"])
    slots = {s.pk: s for s in slots.select_related("team")}
    moves = [
        (v, slots[int(wanted[v.pk])])
        for v in visits
        if wanted[v.pk].isdigit() and int(wanted[v.pk]) in slots
    ]
    return moves, len(visits) - len(moves)


def _preview_page(request, form, *, error: str = "", status: int = 200):
    moves, left = _chosen(request, form)
    preview = fm.preview(moves)
    chosen = Counter(slot.pk for _visit, slot in moves)
    full = {slot.pk for _visit, slot in moves if slot.booked + chosen[slot.pk] > slot.capacity}
    return render(
        request,
        "sales/force_majeure_preview.html",
        {
            "form": form,
            "preview": preview,
            "left": left,
            "full": full,
            "reason": _reason(request),
            "token": request.POST.get("token") or uuid.uuid4().hex,
            "error": error,
        },
        status=status,
    )


@permission_required(PERMISSIONS, raise_exception=True)
@require_POST
def force_majeure_preview(request):
    form = AffectedForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "sales/force_majeure.html", {"form": form, "rows": None}, status=400)
    return _preview_page(request, form)


@permission_required(PERMISSIONS, raise_exception=True)
@require_POST
def force_majeure_apply(request):
    token = request.POST.get("token", "")
    results = request.session.get(SESSION_KEY, {})
    if token and token in results:  # a second submit of the same preview
        return redirect("sales:force_majeure_result", token=token)
    form = AffectedForm(request.POST, user=request.user)
    if not form.is_valid() or not token:
        return render(request, "sales/force_majeure.html", {"form": form, "rows": None}, status=400)
    moves, _left = _chosen(request, form)
    try:
        summary = fm.force_majeure_apply(moves=moves, by=request.user, reason=_reason(request))
    except ValidationError as e:
        return _preview_page(request, form, error=" ".join(e.messages), status=409)
    results = {k: v for k, v in list(results.items())[-(KEPT_RESULTS - 1) :]}
    results[token] = summary.as_dict()
    request.session[SESSION_KEY] = results
    return redirect("sales:force_majeure_result", token=token)


@permission_required(PERMISSIONS, raise_exception=True)
@require_safe
def force_majeure_result(request, token: str):
    summary = request.session.get(SESSION_KEY, {}).get(token)
    if summary is None:
        raise Http404
    counts = Counter(m["sms"] for m in summary["moves"])
    return render(
        request, "sales/force_majeure_result.html", {"summary": summary, "counts": counts}
    )
