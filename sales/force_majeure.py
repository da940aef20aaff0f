"""Force majeure (3.2.3): the visits a bad day, a team or an area takes out, a proposal of new
slots for them all, and the bulk move that books them there and tells every subscriber by SMS,
logged on each application."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Branch
from subscribers.models import City, Street

from .models import (
    Application,
    ApplicationEvent,
    Reason,
    ReasonKind,
    Relocation,
    Slot,
    Team,
    Visit,
)
from .relocation import place_of as relocation_place
from .schedule import (
    BOOKING_DAYS,
    _check_slot,
    _release,
    _started,
    _street_ids,
    _take,
    _user,
    local_now,
    slot_label,
    team_refusal,
    visit_address,
)
from .services import prospect_moment

log = logging.getLogger(__name__)

ACTION = "force_majeure"  # the ApplicationEvent's action of a move
TEMPLATE = "slot_changed"
REASON_CODE = "force-majeure"
OPTIONS = 40  # free slots offered per visit in the page's select


# -- who is affected -----------------------------------------------------------------------------
def affected_visits(
    *,
    branch: Branch,
    day: date,
    team: Team | None = None,
    street: Street | None = None,
    city: City | None = None,
) -> QuerySet:
    """The booked visits of the branch on `day`, of the team and in the street or city when
    given (the installation's building, or a relocation's new one), in the order of the day."""
    rows = Visit.objects.filter(slot__team__branch=branch, slot__date=day, state=Visit.State.BOOKED)
    if team is not None:
        rows = rows.filter(slot__team=team)
    if street is not None:
        rows = rows.filter(
            Q(application__building__street=street) | Q(relocation__building__street=street)
        )
    if city is not None:
        rows = rows.filter(
            Q(application__building__street__city=city) | Q(relocation__building__street__city=city)
        )
    return rows.select_related(
        "slot__team__branch",
        "application__branch",
        "application__building__street__city",
        "application__subscriber",
        "relocation__subscriber",
        "relocation__building__street__city__branch",
    ).order_by("slot__starts", "slot__team__name", "order", "id")


def place_of(visit: Visit):
    """What the team rules read of the visit's job: the application, or the relocation's new
    building."""
    return visit.application if visit.application_id else relocation_place(visit.relocation)


def who_of(visit: Visit) -> str:
    if visit.application_id:
        return f"{visit.application.number} {visit.application.full_name}"
    return str(visit.relocation.subscriber)


def where_of(visit: Visit) -> str:
    if visit.application_id:
        return visit_address(visit.application)
    from .relocation import address_text

    relocation = visit.relocation
    return address_text(relocation.building, relocation.flat, relocation.address)


def slot_title(slot: Slot) -> str:
    return f"{slot_label(slot)} · {slot.team.name}"


# -- the proposal --------------------------------------------------------------------------------
@dataclass
class Proposed:
    visit: Visit
    slot: Slot | None  # the earliest free one; None: no team has room in the days looked at
    options: list[Slot] = field(default_factory=list)  # the free slots the visit may take


def proposal(visits, *, days: int = BOOKING_DAYS) -> list[Proposed]:
    """For each visit (in the order given) the earliest free slot from the day after the
    affected days for `days` days: of an active team of its branch that covers its street and
    installs its technology (sales.schedule.slots_free's rules), never on an affected day, with
    room left once the slots already proposed to the visits before it are counted. Reads only:
    the slots must exist (sales.schedule.slots_ensure)."""
    visits = list(visits)
    if not visits:
        return []
    affected_days = {v.slot.date for v in visits}
    used: Counter[int] = Counter()
    branches: dict[int, tuple[list[Team], dict[int, set[int]], list[Slot]]] = {}
    result = []
    for visit in visits:
        branch = visit.slot.team.branch
        if branch.pk not in branches:
            start = max(local_now(branch).date(), max(affected_days) + timedelta(days=1))
            branches[branch.pk] = _candidates(branch, start, start + timedelta(days=days - 1))
        teams, streets, slots = branches[branch.pk]
        try:
            place = place_of(visit)
        except ValidationError:
            result.append(Proposed(visit, None))
            continue
        fits = {t.pk for t in teams if not team_refusal(t, place, streets.get(t.pk, set()))}
        options = [s for s in slots if s.team_id in fits and s.date not in affected_days]
        chosen = next((s for s in options if s.booked + used[s.pk] < s.capacity), None)
        if chosen is not None:
            used[chosen.pk] += 1
        result.append(Proposed(visit, chosen, options[:OPTIONS]))
    return result


def _candidates(branch: Branch, start: date, end: date):
    """The branch's active teams, their territories and their slots with room, not begun:
    three queries, whatever the number of visits."""
    teams = list(Team.objects.filter(branch=branch, active=True))
    now_local = local_now(branch)
    slots = [
        s
        for s in Slot.objects.filter(
            team__in=teams, date__range=(start, end), booked__lt=F("capacity")
        )
        .select_related("team")
        .order_by("date", "starts", "team__name")
        if not _started(s, now_local)
    ]
    return teams, _street_ids(teams), slots


# -- the SMS -------------------------------------------------------------------------------------
@dataclass
class Sms:
    to: str
    body: str
    problem: str = ""  # why it cannot be sent ("" when it can)


def _template():
    from comms.models import MessageTemplate

    return MessageTemplate.objects.filter(code=TEMPLATE, active=True).first()


def _subscriber_of(visit: Visit):
    if visit.application_id:
        return visit.application.subscriber
    return visit.relocation.subscriber


def sms_of(visit: Visit, slot: Slot, template) -> Sms:
    """The "slot changed" text the visit's subscriber (or prospect) would get for `slot`."""
    from comms import placeholders

    subscriber = _subscriber_of(visit)
    to = subscriber.phone if subscriber is not None else visit.application.phone
    if template is None:
        return Sms(to, "", _("The “%(code)s” template is not in use.") % {"code": TEMPLATE})
    if not to:
        return Sms(to, "", _("No phone number."))
    try:
        body = placeholders.render(template.body, subscriber, {"slot": slot_label(slot)})
    except placeholders.TextError as e:
        return Sms(to, "", str(e))
    return Sms(to, body)


@dataclass
class Preview:
    rows: list[tuple[Visit, Slot, Sms]]

    @property
    def moves(self) -> int:
        return len(self.rows)

    @property
    def sendable(self) -> int:
        return sum(1 for _v, _s, sms in self.rows if not sms.problem)

    @property
    def unsendable(self) -> int:
        return self.moves - self.sendable


def preview(moves) -> Preview:
    """The texts the moves would send: reads only."""
    template = _template()
    return Preview([(visit, slot, sms_of(visit, slot, template)) for visit, slot in moves])


def _send(visit: Visit, slot: Slot, template) -> tuple[str, Sms]:
    """Queue the SMS in the caller's transaction; (status, sms). A subscriber's goes by the
    contact rules (comms.outbox.template_queue); a prospect's at the first moment the quiet
    hours allow (as sales.schedule's own SMS to prospects)."""
    from comms.models import Message
    from comms.outbox import OutboxError, message_queue, template_queue

    sms = sms_of(visit, slot, template)
    if sms.problem:
        return "not_sent", sms
    subscriber = _subscriber_of(visit)
    now = timezone.now()
    try:
        if subscriber is not None:
            message = template_queue(
                template=template, subscriber=subscriber, values={"slot": slot_label(slot)}
            )
        else:
            at = prospect_moment(visit.application.branch, now)
            if at is None:
                return "not_sent", Sms(sms.to, sms.body, _("The contact rules leave no moment."))
            message = message_queue(
                to=sms.to, channel=template.channel, purpose=template.purpose, body=sms.body,
                template=template, not_before=at,
            )  # fmt: skip
    except OutboxError as e:
        log.warning("force majeure SMS for visit %s not queued: %s", visit.pk, e)
        return "not_sent", Sms(sms.to, sms.body, _("Not queued: %(error)s") % {"error": e})
    if message.status == Message.Status.FAILED:
        return "not_sent", Sms(sms.to, message.body, message.error)
    if message.status == Message.Status.DEFERRED or message.not_before > now + timedelta(minutes=1):
        return "deferred", Sms(sms.to, message.body)
    return "queued", Sms(sms.to, message.body)


# -- the move ------------------------------------------------------------------------------------
@dataclass
class Moved:
    """One line of the log, as plain values (the result page keeps it in the session)."""

    visit: int
    new_visit: int
    application: int | None
    relocation: int | None
    who: str
    address: str
    old: str
    new: str
    sms: str  # queued, deferred, not_sent, off
    to: str = ""
    text: str = ""
    problem: str = ""


@dataclass
class Summary:
    moves: list[Moved]
    reason: str
    at: str

    @property
    def counts(self) -> Counter:
        return Counter(m.sms for m in self.moves)

    def as_dict(self) -> dict:
        return {"moves": [asdict(m) for m in self.moves], "reason": self.reason, "at": self.at}


def force_majeure_reason() -> Reason | None:
    return Reason.objects.filter(kind=ReasonKind.RESCHEDULED, code=REASON_CODE).first()


def _refused(visit: Visit, error: ValidationError) -> ValidationError:
    return ValidationError(
        _("%(visit)s: %(error)s")
        % {"visit": f"{who_of(visit)}, {where_of(visit)}", "error": " ".join(error.messages)}
    )


@transaction.atomic
def force_majeure_apply(
    *, moves: list[tuple[Visit, Slot]], by, reason: Reason | None = None, notify: bool = True
) -> Summary:
    """Move every visit to its slot in one transaction, with the rules of
    sales.schedule.visit_move (a booked visit, the team's territory and skill, a slot not begun
    with room under its row lock) for installations and relocations alike; SMS each subscriber
    or prospect the "slot changed" text; log each move on its application (the ApplicationEvent
    "force_majeure", old → new slot; a relocation's note). One visit that cannot move (a slot
    taken meanwhile) refuses the whole apply, naming it, and nothing is written."""
    reason = reason or force_majeure_reason()
    if reason is None or reason.kind != ReasonKind.RESCHEDULED:
        raise ValidationError({"reason": _("Choose a reason of rescheduling.")})
    if not moves:
        raise ValidationError(_("No visit to move."))
    if len({visit.pk for visit, _slot in moves}) != len(moves):
        raise ValidationError(_("A visit is in the list twice."))
    template = _template() if notify else None
    now = timezone.now()
    by_user = _user(by)
    log_lines = []
    for given, slot in moves:
        visit = Visit.objects.select_related("application", "relocation").get(pk=given.pk)
        # The job first, then the slot, then the visit: the order visit_move keeps.
        if visit.application_id:
            Application.objects.select_for_update(of=("self",)).get(pk=visit.application_id)
        else:
            Relocation.objects.select_for_update(of=("self",)).get(pk=visit.relocation_id)
        slot = Slot.objects.select_for_update(of=("self",)).select_related("team").get(pk=slot.pk)
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related(
                "slot__team",
                "application__branch",
                "application__building__street__city",
                "application__subscriber",
                "relocation__subscriber",
                "relocation__building__street__city__branch",
            )
            .get(pk=visit.pk)
        )
        try:
            if visit.state != Visit.State.BOOKED:
                raise ValidationError(_("The visit is no longer booked."))
            if slot.pk == visit.slot_id:
                raise ValidationError(_("The visit is already in this slot."))
            _check_slot(slot, place_of(visit))
            _take(slot)
        except ValidationError as e:
            raise _refused(visit, e) from None
        old = slot_title(visit.slot)
        visit.state = Visit.State.MOVED
        visit.reason = reason
        visit.save(update_fields=["state", "reason"])
        _release(visit.slot_id)
        moved = Visit.objects.create(
            kind=visit.kind, application=visit.application, relocation=visit.relocation,
            slot=slot, booked_by=by_user, comment=visit.comment,
            order=slot.starts.hour * 60 + slot.starts.minute,
        )  # fmt: skip
        new = slot_title(slot)
        note = f"{old} → {new}"
        if visit.application_id:
            application = visit.application
            ApplicationEvent.objects.create(
                application=application, action=ACTION, from_state=application.state,
                to_state=application.state, reason=reason, note=note, by=by_user, at=now,
            )  # fmt: skip
        else:
            relocation = visit.relocation
            line = f"{timezone.localtime(now):%d.%m.%Y %H:%M} {reason.name}: {note}"
            relocation.note = "\n".join(filter(None, [relocation.note, line]))
            relocation.save(update_fields=["note"])
        status, sms = _send(visit, slot, template) if notify else ("off", Sms("", ""))
        log_lines.append(
            Moved(
                visit=visit.pk, new_visit=moved.pk, application=visit.application_id,
                relocation=visit.relocation_id, who=who_of(visit), address=where_of(visit),
                old=old, new=new, sms=status, to=sms.to, text=sms.body, problem=sms.problem,
            )
        )  # fmt: skip
    return Summary(log_lines, reason.name, now.isoformat())
