"""Writes of the coordination block: registering an application (coverage and duplicate
checks, the SLA clocks, the confirmation SMS) and moving it along its workflow."""

import logging
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Branch
from subscribers import coverage
from subscribers.buildings import is_covered
from subscribers.importing.parse import FieldError, phone_normalize
from subscribers.models import Subscriber

from .models import (
    Application,
    ApplicationEvent,
    Reason,
    SlaPolicy,
    Slot,
    Visit,
    channel_of,
)
from .workflow import APPLICATION, OPEN

S = Application.State
log = logging.getLogger(__name__)


# -- SLA clocks ---------------------------------------------------------------------------------
def sla_policy() -> SlaPolicy:
    return SlaPolicy.objects.first() or SlaPolicy()


def working_minutes_after(start: datetime, minutes: int, zone: str, policy=None) -> datetime:
    """The moment `minutes` working minutes after `start`, counting the working hours of the
    policy on working days (the operator's calendar: comms.policies.Calendar) in `zone`."""
    from comms.policies import Calendar

    policy = policy or sla_policy()
    calendar = Calendar()
    local = start.astimezone(zoneinfo.ZoneInfo(zone))
    left = timedelta(minutes=minutes)
    day = local.date()
    for _day in range(60):
        opens = local.replace(
            year=day.year, month=day.month, day=day.day,
            hour=policy.workday_from.hour, minute=policy.workday_from.minute, second=0,
            microsecond=0,
        )  # fmt: skip
        closes = opens.replace(hour=policy.workday_to.hour, minute=policy.workday_to.minute)
        if not calendar(day):
            begin = max(opens, local) if day == local.date() else opens
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += timedelta(days=1)
    return local + timedelta(minutes=minutes)


# -- checks on entry -----------------------------------------------------------------------------
@dataclass
class Check:
    """What the coordinator sees before saving: the address's coverage and the duplicates."""

    coverage: coverage.Coverage | None
    phone: str = ""
    applications: list[Application] = field(default_factory=list)
    subscribers: list[Subscriber] = field(default_factory=list)

    @property
    def duplicates(self) -> bool:
        return bool(self.applications or self.subscribers)


def phone_clean(text: str) -> str:
    try:
        return phone_normalize(text)
    except FieldError:
        raise ValidationError(
            {"phone": _("“%(phone)s” is not a phone number.") % {"phone": text}}
        ) from None


def application_check(*, user, phone: str, address: str, flat: str = "") -> Check:
    """The coverage of the address and the open applications or active subscribers at the same
    phone or the same flat (reads only; raises ValidationError for a bad phone or address)."""
    phone = phone_clean(phone)
    try:
        answer = coverage.check(user, address)
    except coverage.AddressError as e:
        raise ValidationError({"address": str(e)}) from None
    same = Q(phone=phone)
    if answer.building is not None and flat.strip():
        same |= Q(building=answer.building, flat=flat.strip())
    applications = list(
        Application.objects.filter(same, state__in=OPEN).order_by("-created_at")[:5]
    )
    people = Q(phone=phone) | Q(phone2=phone)
    if answer.building is not None and flat.strip():
        people |= Q(building=answer.building, flat=flat.strip())
    subscribers = list(Subscriber.objects.filter(people, status="active")[:5])
    return Check(answer, phone, applications, subscribers)


# -- registering --------------------------------------------------------------------------------
def _branch_for(check: Check, user, branch: Branch | None) -> Branch:
    if check.coverage is not None and check.coverage.building is not None:
        return check.coverage.building.street.city.branch
    if branch is not None:
        return branch
    from core.access import branches_of

    chosen = branches_of(user).first() if user is not None else None
    if chosen is None:
        raise ValidationError({"address": _("Say which branch the address belongs to.")})
    return chosen


@transaction.atomic
def application_create(
    *,
    by,
    source: str,
    full_name: str,
    phone: str,
    address: str,
    flat: str = "",
    email: str = "",
    tariff=None,
    services=(),
    agent=None,
    paid=None,
    note: str = "",
    branch: Branch | None = None,
    building=None,
    duplicate_of: Application | None = None,
    referrer: Subscriber | None = None,
    referral_code: str = "",
    confirm: bool = True,
    coverage_user=False,
) -> Application:
    """Register an application. The address is checked against coverage: a building not
    served (or an address no building matches) makes it "no coverage", for the demand registry.
    A confirmation SMS goes through the outbox in the same transaction."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Give the name of the person.")})
    if not address.strip():
        raise ValidationError({"address": _("Give the address to connect.")})
    check = application_check(
        user=by if coverage_user is False else coverage_user, phone=phone, address=address,
        flat=flat,
    )  # fmt: skip
    if building is None and check.coverage.building is not None:
        building = check.coverage.building
    if referral_code and referrer is None:
        from .referrals import referrer_for

        referrer = referrer_for(code=referral_code, phone=check.phone)
    served = building is not None and is_covered(building)
    now = timezone.now()
    branch = building.street.city.branch if building is not None else _branch_for(check, by, branch)
    policy = sla_policy()
    application = Application(
        number=uuid.uuid4().hex[:20],
        branch=branch,
        source=source,
        channel=channel_of(source),
        state=S.NEW if served else S.NO_COVERAGE,
        state_changed_at=now,
        full_name=full_name,
        phone=check.phone,
        email=email.strip(),
        address=" ".join(address.split()),
        building=building,
        flat=flat.strip(),
        technology=building.technology if building is not None else "",
        tariff=tariff,
        agent=agent,
        paid=paid or 0,
        paid_at=now if paid else None,
        note=note.strip(),
        duplicate_of=duplicate_of,
        referrer=referrer,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        contact_due=working_minutes_after(
            now, policy.first_contact_minutes, branch.time_zone, policy
        ),
        install_due=now + timedelta(days=policy.install_days),
    )
    application.save()
    application.number = f"{now:%y}-{application.pk:06d}"
    application.save(update_fields=["number"])
    if services:
        application.services.set(services)
    ApplicationEvent.objects.create(
        application=application, action="create", to_state=application.state,
        by=application.created_by, at=now,
    )  # fmt: skip
    if confirm and served:
        prospect_sms(application, "application_received", {"account": application.number})
    return application


def prospect_moment(branch: Branch, asked: datetime) -> datetime | None:
    """The earliest moment at or after `asked` the service-message rules allow, in the
    branch's local time (a prospect is no subscriber yet: comms.services.contact_plan cannot
    place it, so its quiet hours are applied here)."""
    from comms.models import ContactKind, Purpose
    from comms.policies import Calendar, policy_for, rules_of
    from comms.rules import earliest

    rules = rules_of(policy_for(Purpose.SERVICE, ContactKind.MESSAGE))
    return earliest(asked.astimezone(branch.tz), [], rules, Calendar()).at


def prospect_sms(application: Application, code: str, values: dict, now=None) -> bool:
    """Write the template `code` to the application's phone in the outbox, at the earliest
    moment the quiet hours allow; False when the operator does not use the template, no
    gateway is set up, or the rules leave no moment."""
    from comms import placeholders
    from comms.models import MessageTemplate
    from comms.outbox import OutboxError, message_queue

    template = MessageTemplate.objects.filter(code=code, active=True).first()
    if template is None or not application.phone:
        return False
    try:
        body = placeholders.render(template.body, None, values)
    except placeholders.TextError as e:
        log.warning("template %s: %s", code, e)
        return False
    at = prospect_moment(application.branch, now or timezone.now())
    if at is None:
        return False
    try:
        message_queue(
            to=application.phone, channel=template.channel, purpose=template.purpose,
            body=body, template=template, not_before=at,
        )  # fmt: skip
    except OutboxError as e:
        log.warning("%s for %s not queued: %s", code, application.number, e)
        return False
    return True


# -- moving along -------------------------------------------------------------------------------
@transaction.atomic
def application_step(
    *,
    application: Application,
    action: str,
    by,
    reason: Reason | None = None,
    note: str = "",
    automatic: bool = False,
    release_visits: bool = True,
) -> Application:
    """Take the workflow step `action` (sales.workflow.APPLICATION); an illegal step, one the
    user may not take or one without its reason is refused and nothing changes. A step taking a
    scheduled application to rescheduled or cancelled also cancels its booked visits and frees
    their places, unless the caller (sales.schedule.visit_move, visit_cancel) handles the visit
    itself and passes release_visits=False."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    transition = APPLICATION.step(
        application.state, action, user=None if automatic else by, reason=reason
    )
    if transition.automatic and not automatic:
        raise ValidationError(
            _("“%(step)s” happens by itself (a booking, the installer's report).")
            % {"step": transition.label}
        )
    if reason is not None and reason.kind != transition.reason:
        raise ValidationError({"reason": _("This reason is not for this step.")})
    if reason is not None and not reason.active and not automatic:
        raise ValidationError({"reason": _("This reason is no longer in use: choose another.")})
    now = timezone.now()
    ApplicationEvent.objects.create(
        application=application, action=action, from_state=application.state,
        to_state=transition.target, reason=reason, note=note.strip(),
        by=by if getattr(by, "is_authenticated", False) else None, at=now,
    )  # fmt: skip
    if (
        release_visits
        and application.state == S.SCHEDULED
        and transition.target in (S.RESCHEDULED, S.CANCELLED)
    ):
        _visits_release(application, reason)
    application.state = transition.target
    application.state_changed_at = now
    if reason is not None:
        application.reason = reason
    if application.first_contact_at is None and not automatic:
        application.first_contact_at = now
    if transition.target == S.CONNECTED:
        application.connected_at = now
    application.save()
    if transition.target == S.CONNECTED:
        from .referrals import referral_reward_record

        referral_reward_record(application)  # the referrer's reward, once (3.3.5)
    return application


def _visits_release(application: Application, reason: Reason | None) -> None:
    """Cancel the application's booked installation visits and free their places: the
    installer no longer sees them and the slots can be booked again. The application is
    already locked, so the order (application, then slot) is the one sales.schedule keeps."""
    visits = Visit.objects.select_for_update(of=("self",)).filter(
        application=application, kind=Visit.Kind.INSTALL, state=Visit.State.BOOKED
    )
    taken = Counter(visits.values_list("slot_id", flat=True))
    if not taken:
        return
    visits.update(state=Visit.State.CANCELLED, reason=reason)
    for count in set(taken.values()):  # one update, unless a slot held two of its visits
        slots = [slot_id for slot_id, n in taken.items() if n == count]
        Slot.objects.filter(pk__in=slots, booked__gte=count).update(booked=F("booked") - count)
