"""Pages of relocation (1.4): from the subscriber card, the new address with its coverage →
registered → a visit booked for the new building → the relocation's page, and its card tab."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import scoped
from core.forms import add_errors
from subscribers import coverage
from subscribers.models import Subscriber

from .. import relocation as service
from .. import schedule
from ..force_majeure_forms import RelocationForm
from ..models import Relocation, Slot
from .schedule import book_posted


def _subscriber(request, pk: int) -> Subscriber:
    subscriber = scoped(Subscriber.objects.select_related("building__street__city"), request.user)
    subscriber = subscriber.filter(pk=pk).first()
    if subscriber is None:
        raise Http404
    return subscriber


def _relocation(request, pk: int) -> Relocation:
    rows = scoped(
        Relocation.objects.select_related(
            "subscriber", "building__street__city__branch", "old_building__street__city"
        ),
        request.user,
        "subscriber__branch",
    )
    relocation = rows.filter(pk=pk).first()
    if relocation is None:
        raise Http404
    return relocation


@permission_required("sales.add_relocation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def relocation_new(request, pk: int):
    """ "Check" shows the coverage of the new address (the candidates of an ambiguous one to
    choose from); "Register" registers the relocation."""
    subscriber = _subscriber(request, pk)
    form = RelocationForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = coverage.check(request.user, data["address"])
        except coverage.AddressError as e:
            form.add_error("address", str(e))
        else:
            building = None
            if answer.status == coverage.AMBIGUOUS:
                chosen = request.POST.get("building", "")
                building = next(
                    (c.building for c in answer.candidates if str(c.building.pk) == chosen), None
                )
            if request.POST.get("save") and (
                building is not None or answer.status != coverage.AMBIGUOUS
            ):
                try:
                    relocation = service.relocation_create(
                        subscriber=subscriber, address=data["address"], flat=data["flat"],
                        by=request.user, building=building,
                    )  # fmt: skip
                except ValidationError as e:
                    add_errors(form, e)
                else:
                    if relocation.state == Relocation.State.NO_COVERAGE:
                        messages.warning(
                            request, _("The new address is not served: the relocation stops.")
                        )
                    else:
                        messages.success(request, _("The relocation is registered: book a visit."))
                    return redirect("sales:relocation", pk=relocation.pk)
            elif request.POST.get("save"):
                form.add_error("address", _("Choose one of the buildings."))
    return render(
        request,
        "sales/relocation_form.html",
        {"subscriber": subscriber, "form": form, "answer": answer},
    )


@permission_required("sales.view_relocation", raise_exception=True)
@require_safe
def relocation_detail(request, pk: int):
    relocation = _relocation(request, pk)
    days: dict[date, list[Slot]] = {}
    bookable = relocation.state == Relocation.State.NEW and relocation.building_id is not None
    if bookable and request.user.has_perm("sales.add_visit"):
        branch = relocation.building.street.city.branch
        today = schedule.local_now(branch).date()
        end = today + timedelta(days=schedule.BOOKING_DAYS - 1)
        with transaction.atomic():
            schedule.slots_ensure(branch=branch, start=today, end=end)
        for slot in service.relocation_slots(relocation, start=today, end=end):
            days.setdefault(slot.date, []).append(slot)
    visits = relocation.visits.select_related("slot__team", "reason").order_by("-booked_at")
    return render(
        request,
        "sales/relocation.html",
        {
            "relocation": relocation,
            "visits": visits,
            "days": days,
            "bookable": bookable,
            "new_address": service.address_text(
                relocation.building, relocation.flat, relocation.address
            ),
            "old_address": service.address_text(relocation.old_building, relocation.old_flat),
            "cancellable": relocation.state
            in (Relocation.State.NEW, Relocation.State.SCHEDULED, Relocation.State.NO_COVERAGE),
        },
    )


@permission_required("sales.add_visit", raise_exception=True)
@require_POST
def relocation_book(request, pk: int):
    relocation = _relocation(request, pk)
    book_posted(
        request,
        lambda slot: service.relocation_book(relocation=relocation, slot=slot, by=request.user),
    )
    return redirect("sales:relocation", pk=relocation.pk)


@permission_required("sales.change_relocation", raise_exception=True)
@require_POST
def relocation_cancel(request, pk: int):
    relocation = _relocation(request, pk)
    try:
        service.relocation_cancel(
            relocation=relocation, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The relocation is cancelled."))
    return redirect("sales:relocation", pk=relocation.pk)


def card_tab_context(request, subscriber: Subscriber) -> dict:
    """The card's "Relocation" tab: the subscriber's relocations and the action to start one."""
    return {
        "subscriber": subscriber,
        "relocations": list(service.relocations_of(subscriber)[:20]),
        "may_add": request.user.has_perm("sales.add_relocation")
        and subscriber.status != "terminated",
    }
