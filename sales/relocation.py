"""Relocation (1.4): moving a subscriber's service to a new address — the coverage check there, a
visit booked on the installation schedule, and, when the installer closes it as done, the old
address released and the subscriber's address updated with a status event."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Branch
from subscribers import buildings, coverage
from subscribers.models import Building, Status, StatusEvent, Subscriber

from .models import Relocation, Slot, Visit
from .schedule import _check_slot, _release, _take, _user, slots_free

R = Relocation.State
OPEN = (R.NEW, R.SCHEDULED)
# StatusEvent has no "moved" kind: the service is connected again at the new address, and the
# reason says it was a move (a kind of its own would need a subscribers migration).
MOVE_EVENT = StatusEvent.Kind.CONNECTED


@dataclass(frozen=True)
class Place:
    """What a team's rules (sales.schedule.team_refusal) read of a job: its branch, building
    and technology. An application has the same three; a relocation gets one from its new
    building."""

    branch: Branch
    building: Building | None
    technology: str

    @property
    def branch_id(self) -> int:
        return self.branch.pk


def place_of(relocation: Relocation) -> Place:
    building = relocation.building
    if building is None:
        raise ValidationError(_("The new address is not a building Abonent knows."))
    return Place(building.street.city.branch, building, building.technology or "")


def address_text(building: Building | None, flat: str, fallback: str = "") -> str:
    place = buildings.address(building) if building is not None else fallback
    return f"{place}, {_('fl.')} {flat}" if flat else place


def _locked(relocation: Relocation) -> Relocation:
    rows = Relocation.objects.select_for_update(of=("self",)).select_related(
        "subscriber", "building__street__city__branch"
    )
    return rows.get(pk=relocation.pk)


# -- registering ---------------------------------------------------------------------------------
@transaction.atomic
def relocation_create(
    *, subscriber: Subscriber, address: str, flat: str, by, building: Building | None = None
) -> Relocation:
    """Register a move of the subscriber to `address`, checked against coverage in the user's
    branches: a building not served (or no building at the address) makes it "no coverage" and
    it stops there. An ambiguous address needs `building` chosen among the candidates."""
    address = " ".join(address.split())
    flat = flat.strip()
    if not address:
        raise ValidationError({"address": _("Give the new address.")})
    if subscriber.status == Status.TERMINATED:
        raise ValidationError(_("A terminated subscriber cannot be moved."))
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if Relocation.objects.filter(subscriber=subscriber, state__in=OPEN).exists():
        raise ValidationError(_("This subscriber already has a relocation in progress."))
    if building is None:
        try:
            answer = coverage.check(by, address)
        except coverage.AddressError as e:
            raise ValidationError({"address": str(e)}) from None
        if answer.status == coverage.AMBIGUOUS:
            raise ValidationError({"address": answer.message})
        building = answer.building
    elif not coverage.visible_buildings(by).filter(pk=building.pk).exists():
        raise ValidationError({"address": _("This building is not in your branches.")})
    served = building is not None and buildings.is_covered(building)
    if building is not None and building.pk == subscriber.building_id and flat == subscriber.flat:
        raise ValidationError(_("The subscriber already lives at this address."))
    return Relocation.objects.create(
        subscriber=subscriber, address=address, building=building, flat=flat,
        old_building_id=subscriber.building_id, old_flat=subscriber.flat,
        state=R.NEW if served else R.NO_COVERAGE, created_by=_user(by),
    )  # fmt: skip


# -- the visit -----------------------------------------------------------------------------------
def relocation_slots(relocation: Relocation, *, start, end) -> list[Slot]:
    """The slots the relocation's visit may take (the rules of sales.schedule.slots_free for
    its new building)."""
    return slots_free(application=place_of(relocation), start=start, end=end)


@transaction.atomic
def relocation_book(*, relocation: Relocation, slot: Slot, by) -> Visit:
    """Book the relocation's visit into the slot: the team's territory and skill for the new
    building, the slot's capacity under its row lock (as sales.schedule.visit_book does);
    a double submit or a slot just filled is refused and nothing is written."""
    # The relocation first, then the slot: the order visit_book keeps (the job, then the slot).
    relocation = _locked(relocation)
    if relocation.state != R.NEW:
        raise ValidationError(
            _("A relocation that is “%(state)s” cannot be booked.")
            % {"state": relocation.get_state_display()}
        )
    if relocation.visits.filter(state__in=(Visit.State.BOOKED, Visit.State.STARTED)).exists():
        raise ValidationError(_("This relocation already has a visit booked."))
    slot = Slot.objects.select_for_update(of=("self",)).select_related("team").get(pk=slot.pk)
    _check_slot(slot, place_of(relocation))
    _take(slot)
    visit = Visit.objects.create(
        kind=Visit.Kind.RELOCATION, relocation=relocation, slot=slot, booked_by=_user(by),
        order=slot.starts.hour * 60 + slot.starts.minute,
    )  # fmt: skip
    relocation.state = R.SCHEDULED
    relocation.save(update_fields=["state"])
    return visit


# -- closing -------------------------------------------------------------------------------------
@transaction.atomic
def relocation_done(*, relocation: Relocation, by) -> Relocation:
    """The installer closed the relocation's visit as done: the subscriber's building, flat,
    technology, city (and branch) become the new ones, the old ones stay on the relocation for
    the record (the old building's port is free again: its figures count the subscribers living
    there), a status event records the move. Done twice changes nothing."""
    relocation = _locked(relocation)
    if relocation.state == R.DONE:
        return relocation
    if relocation.state != R.SCHEDULED:
        raise ValidationError(
            _("A relocation that is “%(state)s” cannot be done.")
            % {"state": relocation.get_state_display()}
        )
    building = relocation.building
    subscriber = Subscriber.objects.select_for_update().get(pk=relocation.subscriber_id)
    relocation.old_building_id = subscriber.building_id
    relocation.old_flat = subscriber.flat
    subscriber.building = building
    subscriber.flat = relocation.flat
    subscriber.technology = (building.technology or subscriber.technology)[:10]
    subscriber.branch = building.street.city.branch
    # Subscriber.save() brings the city along with the building.
    subscriber.save(update_fields=["building", "flat", "technology", "branch"])
    today = timezone.localdate(timezone=subscriber.branch.tz)
    reason = _("Moved to %(address)s (relocation %(pk)s)") % {
        "address": address_text(building, relocation.flat),
        "pk": relocation.pk,
    }
    StatusEvent.objects.create(
        subscriber=subscriber, kind=MOVE_EVENT, happened_on=today,
        reason=reason[: StatusEvent._meta.get_field("reason").max_length],
    )  # fmt: skip
    relocation.state = R.DONE
    relocation.done_at = timezone.now()
    relocation.save(update_fields=["state", "done_at", "old_building", "old_flat"])
    return relocation


@transaction.atomic
def relocation_visit_closed(*, visit: Visit, by) -> None:
    """The hook of sales.installer.visit_finish: a relocation visit closed as done completes
    the relocation; one that failed puts it back to "new", to be booked again. Any other visit
    is left alone."""
    if visit.relocation_id is None:
        return
    if visit.state == Visit.State.DONE:
        relocation_done(relocation=visit.relocation, by=by)
    elif visit.state == Visit.State.FAILED:
        relocation = _locked(visit.relocation)
        if relocation.state == R.SCHEDULED:
            relocation.state = R.NEW
            relocation.save(update_fields=["state"])


@transaction.atomic
def relocation_cancel(*, relocation: Relocation, by, note: str = "") -> Relocation:
    """Cancel a relocation not done yet: its booked visit is cancelled and its place in the
    slot freed; one the installer has started cannot be cancelled here."""
    relocation = _locked(relocation)
    if relocation.state == R.CANCELLED:
        return relocation
    if relocation.state == R.DONE:
        raise ValidationError(_("A relocation that is done cannot be cancelled."))
    visits = list(
        relocation.visits.select_for_update(of=("self",)).filter(
            state__in=(Visit.State.BOOKED, Visit.State.STARTED)
        )
    )
    if any(v.state == Visit.State.STARTED for v in visits):
        raise ValidationError(_("The installer has started the visit: close it first."))
    for visit in visits:
        visit.state = Visit.State.CANCELLED
        visit.save(update_fields=["state"])
        _release(visit.slot_id)
    relocation.state = R.CANCELLED
    if note.strip():
        relocation.note = "\n".join(filter(None, [relocation.note, note.strip()]))
    relocation.save(update_fields=["state", "note"])
    return relocation


# -- reads ---------------------------------------------------------------------------------------
def relocations_of(subscriber: Subscriber) -> QuerySet:
    return (
        Relocation.objects.filter(subscriber=subscriber)
        .select_related("building__street__city", "old_building__street__city")
        .order_by("-created_at")
    )
