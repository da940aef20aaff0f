"""Campaigns: one template to a segment (or a list of accounts), through the outbox.

Before launch, `campaign_preview` tells how many will get it once the contact rules are applied
(no phone or e-mail, opted out, no consent to advertising, deferred), how many SMS parts and
what it costs. A marketing campaign reaches only those who consented on its channel (38-FZ,
art. 18): the others get no message, only a line in the log of refusals. `campaign_launch`
writes every message in one transaction, set-based: the recipients and their contacts already
planned are read in a few queries, the rules are the same arithmetic as for one message
(comms.rules), and the messages, the contacts they reserve and the log of deferrals and
refusals go to the database by COPY (PostgreSQL). A throttle spreads the messages' moments
(`per_minute`); the outbox hands them over when due. Pausing holds the campaign's messages in
the queue, resuming lets them go, cancelling takes back those not yet handed over."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import scoped
from core.jobs import run_in_background
from core.models import Branch
from core.money import branch_currencies
from core.sql import BulkWriter
from core.sql import db_datetime as dt
from subscribers.importing.parse import FieldError, phone_normalize
from subscribers.models import Subscriber

from . import placeholders
from .consent import consent_channel, consenting, needs_consent
from .models import (
    CallList,
    Campaign,
    Channel,
    Contact,
    ContactKind,
    ContactRefusal,
    Message,
    OptOut,
)
from .outbox import EXPIRY, gateway_of, kick
from .policies import Calendar, policy_for, rules_of
from .queries import part_price
from .rules import MONTH, earliest
from .services import rules_lock
from .sms import segments

MESSAGE_COLUMNS = [
    "channel", "purpose", "campaign_id", "subscriber_id", '"to"', "subject", "body", "parts",
    "template_id", "gateway_id", "status", "not_before", "expires_at", "attempts", "error",
    "claim", "gateway_ref", "created_at",
]  # fmt: skip
CONTACT_COLUMNS = ["subscriber_id", "kind", "purpose", "at", "local_date", "campaign_id"]
REFUSAL_COLUMNS = [
    "subscriber_id", "kind", "purpose", "decision", "reason", "asked_at", "until", "created_at",
]  # fmt: skip
OWN_FIELDS = (
    "account", "full_name", "kind", "phone", "email", "branch_id", "reported_balance", "flat",
    "building_id", "tariff_id",
)  # fmt: skip
# What each is read from: the balance lives in the subscriber's money row.
OWN_VALUES = tuple("money__reported_balance" if f == "reported_balance" else f for f in OWN_FIELDS)


def accounts_of(text: str) -> list[str]:
    """The entries of a pasted or uploaded list: one a line, or separated by commas or ";"."""
    text = text.replace(",", "\n").replace(";", "\n")
    return [a for a in (line.strip() for line in text.splitlines()) if a]


def listed(text: str) -> Q:
    """The subscribers a list names: each entry an account, or a phone in any form (an entry
    of 10 digits or more that reads as a phone is looked for among both)."""
    accounts, phones = set(), set()
    for entry in accounts_of(text):
        accounts.add(entry)
        if sum(ch.isdigit() for ch in entry) >= 10:
            try:
                phones.add(phone_normalize(entry))
            except FieldError:
                pass
    return Q(account__in=accounts) | Q(phone__in=phones) | Q(phone2__in=phones)


def recipients(campaign: Campaign, user) -> QuerySet[Subscriber]:
    """The campaign's subscribers among the user's branches, in a stable order."""
    if campaign.segment_id:
        from segments.services import members

        rows = members(campaign.segment, user)
    else:
        rows = scoped(Subscriber.objects.filter(listed(campaign.accounts)), user)
    return rows.select_related(None).order_by("pk")


class Row:
    """A subscriber's own fields as the placeholders read them, without a model instance
    (a launch reads a hundred thousand; a model instance costs five times as much)."""

    __slots__ = ("pk", *OWN_FIELDS)

    def __init__(self, values: tuple):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def _read(rows: QuerySet[Subscriber], template):
    """The recipients as the template's placeholders read them: model instances with the
    related rows they need, or plain Rows when they need none (a launch reads a hundred
    thousand)."""
    related = placeholders.related_of(template.body, template.subject)
    if related:
        return rows.select_related("money", *related).iterator(chunk_size=5000)
    return (Row(values) for values in rows.values_list("pk", *OWN_VALUES).iterator(5000))


@dataclass
class Planned:
    subscriber: Subscriber
    to: str
    body: str
    subject: str
    parts: int
    asked: object
    at: object  # None: refused
    reason: str = ""


NO_CONSENT = ContactRefusal.Reason.NO_CONSENT


@dataclass
class Plan:
    messages: list[Planned] = field(default_factory=list)
    no_address: int = 0

    def counts(self) -> dict[str, int]:
        """Recipients; queued on time, deferred (moved by the rules), refused by them (an
        opt-out, no allowed time); left out for want of consent to advertising; without an
        address; the parts of the messages that go."""
        going = [p for p in self.messages if p.at is not None]
        deferred = sum(p.reason != "" for p in going)
        no_consent = sum(p.reason == NO_CONSENT for p in self.messages)
        return {
            "recipients": len(self.messages) + self.no_address,
            "queued": len(going) - deferred,
            "deferred": deferred,
            "refused": len(self.messages) - len(going) - no_consent,
            "no_consent": no_consent,
            "no_address": self.no_address,
            "parts": sum(p.parts for p in going),
        }


def campaign_plan(campaign: Campaign, user, *, now=None) -> Plan:
    """Each recipient's message and the moment the contact rules give it (no write)."""
    template = campaign.template
    now = now or timezone.now()
    start = max(campaign.starts_at or now, now)
    policy = policy_for(template.purpose, ContactKind.MESSAGE)
    rules, calendar = rules_of(policy), Calendar()
    rows = recipients(campaign, user)
    ids = rows.values("pk")
    opted = set()
    if policy.respects_opt_out:
        opted = set(OptOut.objects.filter(subscriber__in=ids).values_list("subscriber", flat=True))
    consented = None  # everyone, when no consent is needed
    if needs_consent(template.purpose):
        channel = consent_channel(kind=ContactKind.MESSAGE, channel=template.channel)
        consented = set(
            consenting(channel=channel)
            .filter(subscriber__in=ids)
            .values_list("subscriber_id", flat=True)
        )
    history: dict[int, list] = defaultdict(list)
    for subscriber, day in (
        Contact.objects.filter(
            subscriber__in=ids,
            kind=ContactKind.MESSAGE,
            purpose=template.purpose,
            local_date__gte=start.date() - timedelta(days=MONTH),
        )
        .order_by("local_date")
        .values_list("subscriber", "local_date")
    ):
        history[subscriber].append(day)
    branches = list(Branch.objects.all())
    zones = {branch.pk: zoneinfo.ZoneInfo(branch.time_zone) for branch in branches}
    step = timedelta(minutes=1) / campaign.per_minute if campaign.per_minute else timedelta(0)
    plan = Plan()
    address = "email" if template.channel == Channel.EMAIL else "phone"
    # Texts in the operator's language (its amounts), entered once for the whole loop; each
    # amount in the currency of the subscriber's branch, from a dict, not a query each.
    currencies = {branch.pk: branch.currency for branch in branches}
    with translation.override(settings.LANGUAGE_CODE), branch_currencies(currencies):
        for i, subscriber in enumerate(_read(rows, template)):
            to = getattr(subscriber, address)
            if not to:
                plan.no_address += 1
                continue
            asked = (start + step * i).astimezone(zones[subscriber.branch_id])
            if consented is not None and subscriber.pk not in consented:
                if subscriber.pk not in opted:  # an opt-out is the reason it tells first
                    plan.messages.append(
                        Planned(subscriber, to, "", "", 0, asked, None, NO_CONSENT)
                    )
                    continue
            body = placeholders.render(template.body, subscriber, campaign.values)
            subject = placeholders.render(template.subject, subscriber, campaign.values)
            parts = segments(body).parts if template.channel == Channel.SMS else 1
            if subscriber.pk in opted:
                verdict_at, reason = None, "opt_out"
            else:
                verdict = earliest(asked, history[subscriber.pk], rules, calendar)
                verdict_at, reason = verdict.at, verdict.reason
            plan.messages.append(
                Planned(subscriber, to, body, subject, parts, asked, verdict_at, reason)
            )
    return plan


@dataclass(frozen=True)
class Preview:
    recipients: int
    going: int
    deferred: int
    refused: int
    no_address: int
    parts: int
    cost: Decimal | None
    error: str = ""
    no_consent: int = 0  # left out of advertising: no consent on the channel


def campaign_preview(campaign: Campaign, user) -> Preview:
    if campaign.script_id:
        return _call_list_preview(campaign, user)
    try:
        plan = campaign_plan(campaign, user)
    except placeholders.TextError as e:
        return Preview(0, 0, 0, 0, 0, 0, None, str(e))
    price = part_price(campaign.template.channel)
    counts = plan.counts()
    return Preview(
        recipients=counts["recipients"],
        going=counts["queued"] + counts["deferred"],
        deferred=counts["deferred"],
        refused=counts["refused"],
        no_address=counts["no_address"],
        parts=counts["parts"],
        cost=None if price is None else price * counts["parts"],
        no_consent=counts["no_consent"],
    )


def _call_list_preview(campaign: Campaign, user) -> Preview:
    """A call list's recipients: those with a phone go on the list; an opt-out (for offers)
    is counted as refused; for advertising, those who gave no consent to calls are left out
    (comms.calllists.call_list_fill); the hours and limits are asked when each call is
    taken."""
    rows = recipients(campaign, user)
    total = rows.count()
    with_phone = rows.exclude(phone="")
    refused = no_consent = 0
    opted = OptOut.objects.filter(subscriber__in=with_phone.values("pk"))
    if policy_for(campaign.script.purpose, ContactKind.CALL).respects_opt_out:
        refused = opted.count()
    else:
        opted = OptOut.objects.none()
    if needs_consent(campaign.script.purpose):
        no_consent = (
            with_phone.exclude(pk__in=consenting(channel=consent_channel(kind=ContactKind.CALL)))
            .exclude(pk__in=opted.values("subscriber"))
            .count()
        )
    phones = with_phone.count()
    return Preview(
        recipients=total,
        going=phones - refused - no_consent,
        deferred=0,
        refused=refused,
        no_address=total - phones,
        parts=0,
        cost=None,
        no_consent=no_consent,
    )


def _check_launchable(campaign: Campaign, status: str = Campaign.Status.DRAFT) -> None:
    if campaign.status != status:
        raise ValidationError(_("Only a draft campaign can be launched."))
    if campaign.script_id:
        if not campaign.script.active or not campaign.script.versions.exists():
            raise ValidationError(_("The campaign's script is not published or not in use."))
    elif not campaign.template.active:
        raise ValidationError(_("The campaign's template is not active."))
    if not campaign.segment_id and not accounts_of(campaign.accounts):
        raise ValidationError(_("Choose a segment or list the accounts."))


def campaign_launch_start(*, campaign: Campaign, by) -> Campaign:
    """Mark the draft as being launched and queue its messages in the background (a hundred
    thousand take seconds): the campaign's page shows when it runs, or why it could not."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_launchable(campaign)
        campaign.status = Campaign.Status.LAUNCHING
        campaign.counts = {}
        campaign.save(update_fields=["status", "counts"])
    from .tasks import campaign_launch_task

    run_in_background(campaign_launch_task, campaign.pk, by.pk if by else None)
    return campaign


def campaign_launch_background(campaign_id: int, by_id: int | None) -> None:
    """The background half of a launch: a failure puts the draft back, with the reason."""
    from django.contrib.auth import get_user_model

    campaign = Campaign.objects.get(pk=campaign_id)
    by = get_user_model().objects.filter(pk=by_id).first()
    try:
        campaign_launch(campaign=campaign, by=by, status=Campaign.Status.LAUNCHING)
    except Exception as e:  # the page shows it; nothing was written
        message = "; ".join(e.messages) if isinstance(e, ValidationError) else str(e)
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.LAUNCHING).update(
            status=Campaign.Status.DRAFT, counts={"error": message[:500]}
        )


def planned_write(planned, *, campaign: Campaign, gateway, now) -> None:
    """Write the campaign's planned messages (`Planned`, each with its own text), the contacts
    they reserve and the log of deferrals and refusals, by COPY on PostgreSQL; a message the
    rules refuse is written as failed, with the reason."""
    template = campaign.template
    messages, contacts, refusals = [], [], []
    for p in planned:
        sid = p.subscriber.pk
        if p.reason:
            decision = "refused" if p.at is None else "deferred"
            refusals.append(
                (sid, "message", template.purpose, decision, p.reason, dt(p.asked),
                 dt(p.at), dt(now))
            )  # fmt: skip
        if p.reason == NO_CONSENT:
            continue  # advertising without consent is not written at all, only logged
        if p.at is None:
            status, at, error = Message.Status.FAILED, p.asked, f"contact rules: {p.reason}"
        else:
            status = Message.Status.DEFERRED if p.reason else Message.Status.QUEUED
            at, error = p.at, ""
            contacts.append((sid, "message", template.purpose, dt(at), at.date(), campaign.pk))
        messages.append(
            (
                template.channel, template.purpose, campaign.pk, sid, p.to, p.subject,
                p.body, p.parts, template.pk, gateway.pk, status, dt(at),
                dt(at + EXPIRY), 0, error, "", "", dt(now),
            )
        )  # fmt: skip
    # One COPY at a time: a connection carries one.
    for model, columns, rows in (
        (Message, MESSAGE_COLUMNS, messages),
        (Contact, CONTACT_COLUMNS, contacts),
        (ContactRefusal, REFUSAL_COLUMNS, refusals),
    ):
        with BulkWriter(model._meta.db_table, columns) as writer:
            for row in rows:
                writer.write(row)


def campaign_launch(*, campaign: Campaign, by, status=Campaign.Status.DRAFT) -> dict[str, int]:
    """Queue the campaign's messages, all or none, and start it."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_launchable(campaign, status)
        now = timezone.now()
        if campaign.script_id:
            from .calllists import call_list_launch

            counts = call_list_launch(
                campaign=campaign, subscribers=recipients(campaign, by), by=by, now=now
            )
            campaign_started(campaign, counts, now)
            return counts
        rules_lock(shared=False)
        try:
            plan = campaign_plan(campaign, by, now=now)
        except placeholders.TextError as e:
            raise ValidationError(str(e)) from e
        gateway = gateway_of(campaign.template.channel)
        planned_write(plan.messages, campaign=campaign, gateway=gateway, now=now)
        counts = plan.counts()
        campaign_started(campaign, counts, now)
        transaction.on_commit(kick)
    return counts


def campaign_started(campaign: Campaign, counts: dict[str, int], now) -> None:
    """The launched campaign runs from `now`, with what its launch queued."""
    campaign.status = Campaign.Status.RUNNING
    campaign.launched_at = now
    campaign.counts = counts
    campaign.save(update_fields=["status", "launched_at", "counts"])


def _move(campaign: Campaign, allowed: set[str], to: str) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in allowed:
            raise ValidationError(
                _("A campaign that is %(status)s cannot be %(action)s.")
                % {"status": campaign.get_status_display().lower(), "action": ACTIONS[to]}
            )
        campaign.status = to
        campaign.save(update_fields=["status"])
        call_list = CallList.objects.filter(campaign=campaign).first()
        if call_list is not None:
            from .calllists import call_list_status

            call_list_status(call_list=call_list, status=LIST_STATUS[to])
        if to == Campaign.Status.CANCELLED:
            waiting = Message.objects.filter(
                campaign=campaign, status__in=[Message.Status.QUEUED, Message.Status.DEFERRED]
            )
            # A campaign writes one message to a subscriber: their reserved contact goes too.
            Contact.objects.filter(
                campaign=campaign, subscriber__in=waiting.values("subscriber")
            ).delete()
            waiting.update(status=Message.Status.CANCELLED)
    if to == Campaign.Status.RUNNING:
        transaction.on_commit(kick)
    return campaign


LIST_STATUS = {
    Campaign.Status.PAUSED: CallList.Status.PAUSED,
    Campaign.Status.RUNNING: CallList.Status.ACTIVE,
    Campaign.Status.CANCELLED: CallList.Status.CLOSED,
}
ACTIONS = {
    Campaign.Status.PAUSED: gettext_lazy("paused"),
    Campaign.Status.RUNNING: gettext_lazy("resumed"),
    Campaign.Status.CANCELLED: gettext_lazy("cancelled"),
}


def campaign_pause(*, campaign: Campaign, by) -> Campaign:
    return _move(campaign, {Campaign.Status.RUNNING}, Campaign.Status.PAUSED)


def campaign_resume(*, campaign: Campaign, by) -> Campaign:
    return _move(campaign, {Campaign.Status.PAUSED}, Campaign.Status.RUNNING)


def campaign_cancel(*, campaign: Campaign, by) -> Campaign:
    allowed = {Campaign.Status.RUNNING, Campaign.Status.PAUSED, Campaign.Status.DRAFT}
    return _move(campaign, allowed, Campaign.Status.CANCELLED)


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    """Messages of the campaign by status, and the share settled (handed over or ended); for
    a call list, its entries and calls (comms.calllists.call_list_progress)."""
    if campaign.script_id:
        from .calllists import call_list_progress

        call_list = CallList.objects.filter(campaign=campaign).first()
        return {"calls": True, "call_list": call_list} | (
            call_list_progress(call_list) if call_list else {"total": 0, "percent": 0}
        )
    by_status = dict(
        Message.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    total = sum(by_status.values())
    waiting = sum(
        by_status.get(s, 0)
        for s in (Message.Status.QUEUED, Message.Status.DEFERRED, Message.Status.SENDING)
    )
    return {
        **by_status,
        "waiting": waiting,
        "total": total,
        "percent": 100 if not total else round(100 * (total - waiting) / total),
    }
