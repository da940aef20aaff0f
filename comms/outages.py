"""Outages and planned works: entered once by buildings or streets, they reach every subscriber
affected through the event messages (comms.triggers: planned_works, outage, restored), each
once, within the contact rules; an emergency closed tells those who were told of it, planned
works cancelled take back the messages not yet handed over."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import run_in_background
from core.models import Branch
from subscribers import addresses
from subscribers.models import Building, Status, Subscriber

from . import triggers
from .models import Contact, ContactKind, Message, Outage, TriggerFiring
from .queries import gateway_for

KIND_TRIGGER = {Outage.Kind.PLANNED: "planned_works", Outage.Kind.EMERGENCY: "outage"}
RESTORED = "restored"
NOTICE_AHEAD = timedelta(days=1)  # planned works are announced a day before
log = logging.getLogger(__name__)


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


def _moment(at: datetime, zone) -> str:
    local = timezone.localtime(at, zone)
    # Translators: {when} of the planned works and outage SMS: "08.12 at 10:00".
    return _("%(day)s at %(time)s") % {
        "day": local.strftime("%d.%m"),
        "time": local.strftime("%H:%M"),
    }


def _when(outage: Outage) -> str:
    """{when} of the message: the start of planned works, the expected end of an emergency,
    in the branch's local time."""
    zone = outage.branch.tz
    if outage.kind == Outage.Kind.PLANNED:
        return _moment(outage.starts_at, zone)
    if outage.ends_at is None:
        # Translators: {when} of the outage SMS when its end is not known: "Service is back
        # by {when}" / "Восстановим до {when}" — a phrase that reads after "by" / "до".
        return _("the end of the repairs")
    return _moment(outage.ends_at, zone)


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
    # The branch's row is the lock: two requests entering the same works wait for each other.
    Branch.objects.select_for_update().filter(pk=branch.pk).exists()
    same = Outage.objects.filter(
        branch=branch, kind=kind, title=title, starts_at=starts_at, state=Outage.State.OPEN
    )
    if same.exists():  # a form sent twice, or two people entering the same works
        raise ValidationError(_("These works are entered already."), code="duplicate")
    outage = Outage(
        kind=kind,
        branch=branch,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
        created_by=by,
        counts={"sending": True},
    )
    outage._history_user = by
    outage.save()
    outage.buildings.set(buildings)
    outage.streets.set(streets)
    transaction.on_commit(lambda: _notify_later(outage.pk, KIND_TRIGGER[kind]))
    return outage


def _notify_later(outage_id: int, trigger: str) -> None:
    from .tasks import outage_notify_task

    run_in_background(outage_notify_task, outage_id, trigger)


def _prefix(outage: Outage, trigger: str) -> str:
    """The firings' keys: `outage:<id>:<subscriber>` for the announcement (planned or not),
    `restored:<id>:<subscriber>` for the all-clear."""
    return f"{'restored' if trigger == RESTORED else 'outage'}:{outage.pk}:"


def _key(outage: Outage, trigger: str, subscriber_id: int) -> str:
    return f"{_prefix(outage, trigger)}{subscriber_id}"


PROGRESS_EVERY = 500  # subscribers between two progress updates on the outage's page
WAITING = [Message.Status.QUEUED, Message.Status.DEFERRED]
# An outage message in one of these reached the subscriber, or is being handed over.
TOLD = [Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED]


def _counts_update(outage_id: int, **changes) -> None:
    counts = Outage.objects.get(pk=outage_id).counts
    Outage.objects.filter(pk=outage_id).update(counts={**counts, **changes})


def _told(outage: Outage) -> QuerySet[Subscriber]:
    """Those the outage message reached (or is reaching): the ones "restored" goes to."""
    trigger = KIND_TRIGGER[Outage.Kind.EMERGENCY]
    sent = TriggerFiring.objects.filter(
        trigger=trigger, key__startswith=_prefix(outage, trigger), message__status__in=TOLD
    ).values("subscriber")
    return Subscriber.objects.filter(pk__in=sent)


def outage_notify(outage_id: int, trigger: str) -> dict[str, int]:
    """Fire the trigger for each subscriber concerned — everyone affected, or for "restored"
    those the outage message reached — selected in one query, each fired in a transaction of
    its own: a run stopped halfway and run again sends only what it had not (the firing's
    key). The progress and then the counts go to outage.counts for the outage's page."""
    try:
        return _notify(outage_id, trigger)
    except Exception as e:  # the page shows it instead of "sending" for ever; the log has it
        log.exception("outage %s: %s failed", outage_id, trigger)
        _counts_update(outage_id, sending=False, error=str(e)[:500])
        raise


def _notify(outage_id: int, trigger: str) -> dict[str, int]:
    outage = Outage.objects.select_related("branch").get(pk=outage_id)
    now = timezone.now()
    later = now + timedelta(minutes=5)  # a message due by then goes now, not "deferred"
    with translation.override(settings.LANGUAGE_CODE):  # the language the SMS are written in
        values = {"when": _when(outage)}
    not_before = None
    if trigger == "planned_works":
        not_before = max(outage.starts_at - NOTICE_AHEAD, now)
    people = _told(outage) if trigger == RESTORED else outage_affected(outage)
    people = people.select_related("branch").order_by("pk")
    total = people.count()
    _counts_update(outage_id, sending=True, done=0, total=total)
    config = triggers.setting(trigger, outage.branch_id)
    template = triggers.template_of(trigger)
    if template is not None and gateway_for(template.channel) is None:
        template = None  # then fire() says so for each, and spends none of the events
    counts = {
        "affected": 0, "queued": 0, "deferred": 0, "refused": 0, "no_phone": 0, "off": 0,
        "not_sent": 0,
    }  # fmt: skip
    for subscriber in people.iterator(chunk_size=2000):
        counts["affected"] += 1
        fired = _fire(trigger, outage, subscriber, values, not_before, config, template)
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
        elif fired.skipped in (triggers.NO_TEMPLATE, triggers.NO_GATEWAY):
            counts["not_sent"] += 1  # not spent: a run after the gateway is set up sends it
        elif fired.skipped != triggers.ALREADY:
            counts["no_phone"] += 1
        if counts["affected"] % PROGRESS_EVERY == 0:
            _counts_update(outage_id, done=counts["affected"])
    data = Outage.objects.get(pk=outage_id).counts
    data = {k: v for k, v in data.items() if k not in ("sending", "done", "total", "error")}
    if trigger == RESTORED:
        data["restored"] = counts
    else:
        data.update(counts)
    Outage.objects.filter(pk=outage_id).update(counts=data)
    from .outbox import kick

    kick()
    return counts


def _fire(trigger, outage, subscriber, values, not_before, config, template):
    with transaction.atomic():
        return triggers.fire(
            trigger, subscriber=subscriber, key=_key(outage, trigger, subscriber.pk),
            values=values, not_before=not_before, config=config, template=template,
        )  # fmt: skip


def outage_progress(outage: Outage) -> dict:
    """How far the sending is, for the page that polls it while it runs."""
    counts = outage.counts or {}
    total, done = counts.get("total") or 0, counts.get("done") or 0
    return {
        "sending": bool(counts.get("sending")),
        "error": counts.get("error", ""),
        "total": total,
        "done": done,
        "percent": 100 if not total else min(100, round(100 * done / total)),
    }


def _take_back(messages: QuerySet[Message]) -> int:
    """Cancel the messages not yet handed over, and give back the contacts they reserved
    (a contact is the subscriber's, the purpose's and the message's moment)."""
    waiting = Message.objects.filter(pk__in=messages.values("pk"), status__in=WAITING)
    reserved = waiting.filter(
        subscriber=OuterRef("subscriber"), purpose=OuterRef("purpose"), not_before=OuterRef("at")
    )
    Contact.objects.filter(Exists(reserved), kind=ContactKind.MESSAGE).delete()
    return waiting.update(status=Message.Status.CANCELLED)


def _announcements(outage: Outage) -> QuerySet[Message]:
    trigger = KIND_TRIGGER[outage.kind]
    ids = TriggerFiring.objects.filter(
        trigger=trigger, key__startswith=_prefix(outage, trigger), message__isnull=False
    ).values("message")
    return Message.objects.filter(pk__in=ids)


def _close(outage: Outage, state: str, by, **counts) -> int:
    """Close the outage (restored, cancelled) and take back its announcements still waiting
    in the outbox; how many were taken back."""
    outage.state = state
    outage.closed_at = timezone.now()
    outage._history_user = by
    outage.save(update_fields=["state", "closed_at"])
    taken = _take_back(_announcements(outage))
    outage.counts = {**outage.counts, "taken_back": taken, **counts}
    Outage.objects.filter(pk=outage.pk).update(counts=outage.counts)
    return taken


@transaction.atomic
def outage_restore(*, outage: Outage, by=None) -> Outage:
    """The emergency is over: everyone the outage message reached hears that the service is
    back; an outage message still waiting in the outbox is taken back instead."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.kind != Outage.Kind.EMERGENCY:
        raise ValidationError(_("Only an emergency is restored; planned works end by themselves."))
    if outage.state != Outage.State.OPEN:
        raise ValidationError(_("This outage is closed already."))
    if outage.counts.get("sending"):
        raise ValidationError(_("The outage messages are still being queued; try in a minute."))
    _close(outage, Outage.State.RESTORED, by, sending=True)
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
    if outage.counts.get("sending"):
        raise ValidationError(_("The messages are still being queued; try in a minute."))
    return _close(outage, Outage.State.CANCELLED, by)


def outage_messages(outage: Outage) -> QuerySet[Message]:
    """The messages the outage sent: its announcement and, for an emergency, the "restored"."""
    keys = Q()
    for trigger in (KIND_TRIGGER[outage.kind], RESTORED):
        keys |= Q(trigger=trigger, key__startswith=_prefix(outage, trigger))
    ids = TriggerFiring.objects.filter(keys, message__isnull=False).values("message")
    return Message.objects.filter(pk__in=ids)
