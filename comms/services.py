"""Writes of the communications block: message templates (and, as it grows, the outbox)."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subscribers.models import Subscriber

from . import placeholders
from .consent import consent_channel, has_consent, needs_consent
from .models import (
    Channel,
    Contact,
    ContactPolicy,
    ContactRefusal,
    Gateway,
    MessageTemplate,
    OptOut,
)
from .policies import Calendar, policy_for, rules_of
from .rules import MONTH, Verdict, earliest
from .sms import segments

MAX_SMS_PARTS = 10  # longer texts are letters, not SMS; phones join at most a few parts well


def template_check(*, channel: str, subject: str, body: str) -> None:
    """ValidationError by field for a template that cannot be sent as it is written."""
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            placeholders.check(text)
        except placeholders.TextError as e:
            errors.setdefault(field, []).append(str(e))
    if not body.strip():
        errors.setdefault("body", []).append(_("Write the text of the message."))
    if channel == Channel.EMAIL and not subject.strip():
        errors.setdefault("subject", []).append(_("A letter needs a subject."))
    if channel == Channel.SMS:
        if subject.strip():
            errors.setdefault("subject", []).append(_("An SMS has no subject."))
        if "body" not in errors:
            parts = segments(placeholders.render(body, sample=True)).parts
            if parts > MAX_SMS_PARTS:
                errors.setdefault("body", []).append(
                    _("With sample values this SMS takes %(parts)s parts; at most %(max)s.")
                    % {"parts": parts, "max": MAX_SMS_PARTS}
                )
    if errors:
        raise ValidationError(errors)


def _name_taken(name: str, *, exclude: int | None) -> bool:
    key = name.casefold()  # in Python: SQLite folds only ASCII letters itself
    names = MessageTemplate.objects.exclude(pk=exclude).values_list("name", flat=True)
    return any(other.casefold() == key for other in names)


def template_clean(fields: dict, *, exclude: int | None = None) -> dict:
    fields = {**fields}
    fields["name"] = " ".join(fields.get("name", "").split())
    fields["subject"] = fields.get("subject", "").strip()
    fields["body"] = fields.get("body", "").strip()
    fields["trigger"] = fields.get("trigger", "").strip()
    if not fields["name"]:
        raise ValidationError({"name": _("Give the template a name.")})
    if _name_taken(fields["name"], exclude=exclude):
        raise ValidationError({"name": _("A template with this name already exists.")})
    template_check(channel=fields["channel"], subject=fields["subject"], body=fields["body"])
    return fields


def _saved(template: MessageTemplate) -> MessageTemplate:
    """Save in a savepoint: the same name saved meanwhile by another request (a form sent
    twice) is the same error as one taken before."""
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        if _name_taken(template.name, exclude=template.pk):
            raise ValidationError(
                {"name": _("A template with this name already exists.")}
            ) from None
        raise
    return template


@transaction.atomic
def template_create(*, by, code: str | None = None, **fields) -> MessageTemplate:
    return _saved(MessageTemplate(code=code, **template_clean(fields)))


@transaction.atomic
def template_update(*, template: MessageTemplate, by, **fields) -> MessageTemplate:
    """Save the operator's edit; a shipped text marked "adapt before use" is theirs now."""
    for name, value in template_clean(fields, exclude=template.pk).items():
        setattr(template, name, value)
    template.needs_review = False
    return _saved(template)


def standard_install(*, language: str | None = None) -> tuple[int, int]:
    """Make the shipped templates (comms/standard.py) that are missing, found by their code,
    in `language` (the site's by default); one the operator edited is left as it is. Returns
    (made, already there)."""
    from .standard import standard_templates

    existing = set(MessageTemplate.objects.exclude(code=None).values_list("code", flat=True))
    made = there = 0
    for standard in standard_templates(language):
        if standard["code"] in existing:
            there += 1
            continue
        template_create(by=None, **standard)
        made += 1
    return made, there


def demo_gateway_ensure() -> Gateway:
    """The demo's SMS gateway: Debian's Kannel on this machine, at a typical price of a part."""
    gateway, _created = Gateway.objects.get_or_create(
        name="Kannel",
        defaults={
            "kind": Gateway.Kind.KANNEL,
            "url": "http://127.0.0.1:13013/cgi-bin/sendsms",
            "username": "abonent",
            "password": "abonent",
            "sender": settings.ABONENT_OPERATOR_NAME[:11],
            "part_price": Decimal("2.50"),
            "status_url": "http://127.0.0.1:13000/status.xml?password=abonent-status",
        },
    )
    return gateway


# -- contact rules ---------------------------------------------------------------------------
RULES_LOCK = 774_210  # the advisory lock that serialises planning contacts (PostgreSQL)


def rules_lock(*, shared: bool) -> None:
    """Planning many contacts at once (a launch) excludes planning one (contact_plan) and vice
    versa, so no limit is counted twice over; SQLite has one writer at a time anyway."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [RULES_LOCK])


def contact_plan(
    *,
    subscriber,
    kind: str,
    purpose: str,
    channel: str = "",
    asked: datetime | None = None,
    defer: bool = True,
) -> Verdict:
    """Plan one contact (a call, a message) with the subscriber under the contact rules: the
    moment asked for (now by default) when it keeps them, else the earliest that does (a
    deferral), or none (a refusal: an opt-out; for marketing, no consent on the `channel` — a
    message's sms or email, a call's own; or no allowed moment within the horizon). A
    planned contact is recorded, so the next plan counts it; a deferral or refusal is logged
    with its reason. Contacts of one subscriber are planned one at a time (the row is locked),
    so two workers cannot both take the day's last allowed call. With `defer=False` a contact
    not allowed now is neither reserved nor logged as a deferral: the caller (a call list) puts
    its entry off to the verdict's moment and asks again then."""
    with transaction.atomic():
        rules_lock(shared=True)
        Subscriber.objects.select_for_update().filter(pk=subscriber.pk).exists()
        zone = zoneinfo.ZoneInfo(subscriber.branch.time_zone)
        asked = (asked or timezone.now()).astimezone(zone)
        policy = policy_for(purpose, kind)
        if policy.respects_opt_out and OptOut.objects.filter(subscriber=subscriber).exists():
            verdict = Verdict(None, ContactRefusal.Reason.OPT_OUT)
        elif needs_consent(purpose) and not has_consent(
            subscriber=subscriber, channel=consent_channel(kind=kind, channel=channel)
        ):
            verdict = Verdict(None, ContactRefusal.Reason.NO_CONSENT)
        else:
            days = sorted(
                Contact.objects.filter(
                    subscriber=subscriber,
                    kind=kind,
                    purpose=purpose,
                    local_date__gte=asked.date() - timedelta(days=MONTH),
                ).values_list("local_date", flat=True)
            )
            verdict = earliest(asked, days, rules_of(policy), Calendar())
        if verdict.at is not None and verdict.reason and not defer:
            return verdict
        if verdict.at is not None:
            Contact.objects.create(
                subscriber=subscriber,
                kind=kind,
                purpose=purpose,
                at=verdict.at,
                local_date=verdict.at.date(),
            )
        if verdict.reason:
            ContactRefusal.objects.create(
                subscriber=subscriber,
                kind=kind,
                purpose=purpose,
                decision=(
                    ContactRefusal.Decision.REFUSED
                    if verdict.at is None
                    else ContactRefusal.Decision.DEFERRED
                ),
                reason=verdict.reason,
                asked_at=asked,
                until=verdict.at,
            )
    return verdict


@transaction.atomic
def opt_out_set(*, subscriber, source: str, by=None) -> OptOut:
    """The subscriber wants no marketing (nor surveys) any more; setting it twice is one."""
    opt_out, _created = OptOut.objects.get_or_create(
        subscriber=subscriber, defaults={"source": source, "created_by": by}
    )
    return opt_out


@transaction.atomic
def opt_out_clear(*, subscriber, by=None) -> None:
    OptOut.objects.filter(subscriber=subscriber).delete()


@transaction.atomic
def contact_policy_save(*, policy: ContactPolicy, by) -> ContactPolicy:
    """Save the operator's rule for a purpose and kind (the first save replaces the default)."""
    existing = ContactPolicy.objects.filter(purpose=policy.purpose, kind=policy.kind).first()
    if existing is not None and policy.pk is None:
        policy.pk = existing.pk
    policy.save()
    return policy
