"""Outages and planned works: entered once by buildings or streets, they reach every subscriber
affected through the event messages (comms.triggers: planned_works, outage, restored), each
once, within the contact rules; an emergency closed tells those who were told of it, planned
works cancelled take back the messages not yet handed over."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import run_in_background
from subscribers import addresses
from subscribers.models import Building, Status, Street, Subscriber

from . import triggers
from .models import Message, Outage, TriggerFiring

KIND_TRIGGER = {Outage.Kind.PLANNED: "planned_works", Outage.Kind.EMERGENCY: "outage"}
RESTORED = "restored"
NOTICE_AHEAD = timedelta(days=1)  # planned works are announced a day before


def affected(*, branch, buildings, streets) -> QuerySet[Subscriber]:
    """The subscribers of the branch in those buildings or on those streets whose service the
    works touch: active and suspended (a terminated one has none)."""
    where = Q(building__in=list(buildings)) | Q(building__street__in=list(streets))
    return Subscriber.objects.filter(
        where, branch=branch, status__in=[Status.ACTIVE, Status.SUSPENDED]
    )


def outage_affected(outage: Outage) -> QuerySet[Subscriber]:
    return affected(
        branch=outage.branch, buildings=outage.buildings.all(), streets=outage.streets.all()
    )


def buildings_from_lines(*, branch, text: str) -> list[Building]:
    """The buildings of the branch the lines name, one address a line ("ул. Ленина, 12");
    a ValidationError naming each line no single building of the branch matches."""
    found, errors = [], []
    pool = Building.objects.filter(street__city__branch=branch)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            address = addresses.parse(line)
        except Exception:  # noqa: BLE001 — an unreadable line is reported like an unknown one
            address = None
        top = addresses.best(addresses.matches(pool, address)) if address else []
        exact = [m for m in top if m.score[0] == 2]
        if len(exact) != 1:
            errors.append(
                _("Line %(n)s, “%(line)s”: no single building of the branch at this address.")
                % {"n": number, "line": line.strip()}
            )
            continue
        found.append(exact[0].pk)
    if errors:
        raise ValidationError(errors)
    return list(Building.objects.filter(pk__in=found))


def _when(outage: Outage) -> str:
    zone = outage.branch.tz
    if outage.kind == Outage.Kind.PLANNED:
        return timezone.localtime(outage.starts_at, zone).strftime("%d.%m %H:%M")
    if outage.ends_at is None:
        return _("as soon as possible")
    return timezone.localtime(outage.ends_at, zone).strftime("%d.%m %H:%M")


@transaction.atomic
def outage_create(
    *,
    branch,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    buildings=(),
    streets=(),
    note: str = "",
    by=None,
) -> Outage:
    """Enter an outage or planned works and tell everyone affected (in the background: a
    district's works reach thousands). Refused, with nothing written: no building and no
    street, the end before the start, a building or street of another branch."""
    buildings, streets = list(buildings), list(streets)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Say what happens.")})
    if kind not in Outage.Kind.values:
        raise ValidationError({"kind": _("Choose planned works or an emergency.")})
    if not buildings and not streets:
        raise ValidationError(_("Choose the buildings or the streets affected."))
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if any(b.street.city.branch_id != branch.pk for b in buildings) or any(
        s.city.branch_id != branch.pk for s in streets
    ):
        raise ValidationError(_("The buildings and streets must be of the outage's branch."))
    same = Outage.objects.select_for_update().filter(
        branch=branch, kind=kind, title=title, starts_at=starts_at, state=Outage.State.OPEN
    )
    if same.exists():  # a form sent twice, or two people entering the same works
        raise ValidationError(_("These works are entered already."), code="duplicate")
    outage = Outage.objects.create(
        kind=kind,
        branch=branch,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
        created_by=by,
        counts={"sending": True},
    )
    outage.buildings.set(buildings)
    outage.streets.set(streets)
    transaction.on_commit(lambda: _notify_later(outage.pk, KIND_TRIGGER[kind]))
    return outage


def _notify_later(outage_id: int, trigger: str) -> None:
    from .tasks import outage_notify_task

    run_in_background(outage_notify_task, outage_id, trigger)


def _key(outage: Outage, trigger: str, subscriber_id: int) -> str:
    return f"{trigger}:{outage.pk}:{subscriber_id}"


def outage_notify(outage_id: int, trigger: str) -> dict[str, int]:
    """Fire the trigger for each subscriber concerned — everyone affected, or for "restored"
    those who were sent the outage message — each in a transaction of its own: a run stopped
    halfway and run again sends only what it had not (the firing's key). Saves the counts."""
    outage = Outage.objects.select_related("branch").get(pk=outage_id)
    now = timezone.now()
    later = now + timedelta(minutes=5)  # a message due by then goes now, not "deferred"
    values = {"when": _when(outage)}
    not_before = None
    if trigger == "planned_works":
        not_before = max(outage.starts_at - NOTICE_AHEAD, now)
    if trigger == RESTORED:
        told = TriggerFiring.objects.filter(
            trigger=KIND_TRIGGER[Outage.Kind.EMERGENCY],
            key__startswith=f"{KIND_TRIGGER[Outage.Kind.EMERGENCY]}:{outage.pk}:",
            message__isnull=False,
        ).values("subscriber")
        people = Subscriber.objects.filter(pk__in=told)
    else:
        people = outage_affected(outage)
    config = triggers.setting(trigger, outage.branch_id)
    counts = {"affected": 0, "queued": 0, "deferred": 0, "refused": 0, "no_phone": 0, "off": 0}
    for subscriber in people.select_related("branch").order_by("pk").iterator(chunk_size=2000):
        counts["affected"] += 1
        with transaction.atomic():
            fired = triggers.fire(
                trigger,
                subscriber=subscriber,
                key=_key(outage, trigger, subscriber.pk),
                values=values,
                not_before=not_before,
                config=config,
            )
        if fired.message is not None:
            status = fired.message.status
            if status == Message.Status.FAILED:
                counts["refused"] += 1
            elif status == Message.Status.DEFERRED or fired.message.not_before > later:
                counts["deferred"] += 1
            else:
                counts["queued"] += 1
        elif fired.skipped == triggers.OFF:
            counts["off"] += 1
        elif fired.skipped != triggers.ALREADY:
            counts["no_phone"] += 1
    data = {k: v for k, v in Outage.objects.get(pk=outage.pk).counts.items() if k != "sending"}
    if trigger == RESTORED:
        data["restored"] = counts
    else:
        data.update(counts)
    Outage.objects.filter(pk=outage.pk).update(counts=data)
    from .outbox import kick

    kick()
    return counts


@transaction.atomic
def outage_restore(*, outage: Outage, by=None) -> Outage:
    """The emergency is over: everyone who was told of it hears that the service is back."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.kind != Outage.Kind.EMERGENCY:
        raise ValidationError(_("Only an emergency is restored; planned works end by themselves."))
    if outage.state != Outage.State.OPEN:
        raise ValidationError(_("This outage is closed already."))
    outage.state = Outage.State.RESTORED
    outage.closed_at = timezone.now()
    outage.save(update_fields=["state", "closed_at"])
    transaction.on_commit(lambda: _notify_later(outage.pk, RESTORED))
    return outage


@transaction.atomic
def outage_cancel(*, outage: Outage, by=None) -> int:
    """Planned works called off before they start: their messages not yet handed over are
    taken back. Returns how many."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.kind != Outage.Kind.PLANNED:
        raise ValidationError(_("Only planned works are cancelled; an emergency is restored."))
    if outage.state != Outage.State.OPEN:
        raise ValidationError(_("These works are closed already."))
    if outage.starts_at <= timezone.now():
        raise ValidationError(_("These works have started: they cannot be cancelled."))
    outage.state = Outage.State.CANCELLED
    outage.closed_at = timezone.now()
    outage.save(update_fields=["state", "closed_at"])
    return (
        Message.objects.filter(pk__in=outage_messages(outage).values("pk"))
        .filter(status__in=[Message.Status.QUEUED, Message.Status.DEFERRED])
        .update(status=Message.Status.CANCELLED)
    )


def outage_messages(outage: Outage) -> QuerySet[Message]:
    """The messages the outage sent: its announcement and, for an emergency, the "restored"."""
    keys = Q()
    for trigger in (KIND_TRIGGER[outage.kind], RESTORED):
        keys |= Q(trigger=trigger, key__startswith=f"{trigger}:{outage.pk}:")
    ids = TriggerFiring.objects.filter(keys, message__isnull=False).values("message")
    return Message.objects.filter(pk__in=ids)


def outage_streets(branch) -> QuerySet[Street]:
    return Street.objects.filter(city__branch=branch).select_related("city").order_by("name")
