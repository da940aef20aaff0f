"""Event messages (3.4.16): each shipped template's trigger, the event that sends it.

A trigger names its template by code, says whether it is on by default and what its days mean;
the operator turns it on or off per branch (comms.TriggerSetting, the page Communications →
Event messages). The code where the event happens — a payment imported, a subscriber connected,
a day's scan for birthdays, an outage entered — calls `fire(...)` with a key naming that one
event; (trigger, key) is unique (comms.TriggerFiring), so one event sends its message once,
however often the code that notices it runs. Later blocks register their own triggers here
(`register(Trigger(...))`) as they register placeholders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Message, MessageTemplate, TriggerFiring, TriggerSetting


@dataclass(frozen=True)
class Trigger:
    code: str
    template: str  # the template's code (comms/standard.py)
    label: Promise | str
    description: Promise | str = ""
    default_enabled: bool = True
    # What TriggerSetting.days means for it ("days before the billing date"), and its default;
    # None: the trigger has no days.
    days_label: Promise | str | None = None
    default_days: int | None = None
    # Values only the operator can give, asked on the settings page ({offer} of a birthday).
    values: tuple[str, ...] = ()


_TRIGGERS: dict[str, Trigger] = {}


def register(trigger: Trigger) -> Trigger:
    _TRIGGERS[trigger.code] = trigger
    return trigger


def get(code: str) -> Trigger | None:
    return _TRIGGERS.get(code)


def registered() -> list[Trigger]:
    return list(_TRIGGERS.values())


def setting(trigger: Trigger | str, branch_id: int) -> TriggerSetting:
    """The setting in force for a branch: the saved one, else the trigger's defaults (unsaved)."""
    return settings_of(trigger, [branch_id])[branch_id]


def setting_default(trigger: Trigger, branch_id: int) -> TriggerSetting:
    return TriggerSetting(
        trigger=trigger.code,
        branch_id=branch_id,
        enabled=trigger.default_enabled,
        days=trigger.default_days,
        values={},
    )


def settings_of(trigger: Trigger | str, branch_ids: Iterable[int]) -> dict[int, TriggerSetting]:
    """The settings in force for these branches, in one query."""
    trigger = get(trigger) if isinstance(trigger, str) else trigger
    branch_ids = list(branch_ids)
    saved = {
        s.branch_id: s
        for s in TriggerSetting.objects.filter(trigger=trigger.code, branch_id__in=branch_ids)
    }
    return {b: saved.get(b) or setting_default(trigger, b) for b in branch_ids}


def days_of(trigger: Trigger, config: TriggerSetting) -> int:
    return config.days if config.days is not None else (trigger.default_days or 0)


def enabled(trigger: Trigger | str, branch_id: int) -> bool:
    return setting(trigger, branch_id).enabled


@dataclass(frozen=True)
class Fired:
    """What one fire() did: sent (a message, possibly deferred or refused by the contact
    rules), skipped (off, already fired, no template, no address) and why."""

    message: Message | None
    skipped: str = ""


OFF, ALREADY, NO_TEMPLATE, NO_GATEWAY = "off", "already", "no_template", "no_gateway"


def _gateway_ready(template: MessageTemplate) -> bool:
    """A channel without a gateway yet: the event is not spent, it fires once one is set up
    (a message without an address or a value is spent, with the reason in the firing)."""
    from ..queries import gateway_for

    return gateway_for(template.channel) is not None


def fire(
    code: str,
    *,
    subscriber,
    key: str,
    values: dict | None = None,
    not_before=None,
    config: TriggerSetting | None = None,
    template: MessageTemplate | None = None,
) -> Fired:
    """Send the trigger's message to the subscriber for the event named by `key`, once, in
    the caller's transaction (a rolled-back event sends nothing and leaves no firing). The
    message goes through the outbox and so keeps the contact rules; an advertising trigger
    (birthday) reaches only a subscriber who consented. `config` saves the setting's lookup
    and `template` save the lookups in a loop over many subscribers."""
    from ..outbox import OutboxError, template_queue

    trigger = _TRIGGERS[code]
    config = config or setting(trigger, subscriber.branch_id)
    if not config.enabled:
        return Fired(None, OFF)
    if template is None:
        template = template_of(trigger)
        if template is None:
            return Fired(None, NO_TEMPLATE)
        if not _gateway_ready(template):
            return Fired(None, NO_GATEWAY)
    try:
        with transaction.atomic():
            firing = TriggerFiring.objects.create(
                trigger=code, key=key[:120], subscriber_id=subscriber.pk
            )
    except IntegrityError:
        return Fired(None, ALREADY)
    given = {**(config.values or {}), **(values or {})}
    try:
        message = template_queue(
            template=template, subscriber=subscriber, values=given, not_before=not_before
        )
    except OutboxError as e:
        firing.note = str(e)[:200]
        firing.save(update_fields=["note"])
        return Fired(None, str(e))
    firing.message = message
    firing.save(update_fields=["message"])
    return Fired(message)


def template_of(trigger: Trigger | str) -> MessageTemplate | None:
    trigger = get(trigger) if isinstance(trigger, str) else trigger
    return MessageTemplate.objects.filter(code=trigger.template, active=True).first()


# -- the triggers of the shipped templates (comms/standard.py) ------------------------------------
# Those the coordination block sends itself (application received, the visit's reminders, a
# moved slot, the technician on the way) are listed too, so the page shows every template's
# event; they fire from sales.
for _trigger in (
    Trigger(
        "welcome",
        "welcome",
        _("Welcome"),
        _("A subscriber is connected: by the installer, or a new account in the billing import."),
        days_label=_("accounts of the billing import connected at most so many days ago"),
        default_days=3,
    ),
    Trigger(
        "welcome_letter",
        "welcome_letter",
        _("Welcome letter"),
        _("A subscriber with an e-mail is connected."),
        days_label=_("accounts of the billing import connected at most so many days ago"),
        default_days=3,
    ),
    Trigger(
        "payment_received",
        "payment_received",
        _("Payment received"),
        _("A payment comes in with the billing import (at most a few days old)."),
        days_label=_("payments at most so many days old"),
        default_days=3,
    ),
    Trigger(
        "payment_due",
        "payment_due",
        _("Monthly fee due"),
        _(
            "Before the billing date (the 1st), to an active subscriber whose balance will "
            "not cover the fee."
        ),
        days_label=_("days before the billing date"),
        default_days=3,
    ),
    Trigger(
        "low_balance",
        "low_balance",
        _("Balance running low"),
        _("An active subscriber's balance lasts fewer days than this at the tariff's fee."),
        days_label=_("days the balance lasts"),
        default_days=3,
        default_enabled=False,
    ),
    Trigger(
        "tariff_changed",
        "tariff_changed",
        _("Tariff changed"),
        _("The billing import reports a new tariff."),
        days_label=_("changes at most so many days old"),
        default_days=3,
    ),
    Trigger(
        "promise_reminder",
        "promise_reminder",
        _("Promised payment reminder"),
        _("The day before the date a subscriber promised to pay."),
    ),
    Trigger(
        "planned_works",
        "planned_works",
        _("Planned works"),
        _("Planned works are entered: everyone in the buildings and streets affected."),
    ),
    Trigger(
        "outage",
        "outage",
        _("Outage"),
        _("An emergency is entered: everyone in the buildings and streets affected."),
    ),
    Trigger(
        "restored",
        "restored",
        _("Service restored"),
        _("An emergency is closed: everyone who was told of it."),
    ),
    Trigger(
        "birthday",
        "birthday",
        _("Birthday"),
        _("On the subscriber's birthday, to those who consented to advertising by SMS."),
        default_enabled=False,
        values=("offer",),
    ),
):
    register(_trigger)


# The events that fire them (comms/triggers/events.py), named here for the code that calls them.
from .events import (  # noqa: E402
    RUN,
    SEND_AT,
    batch_imported,
    daily_run,
    date_text,
    due_date_parse,
    payment_key,
    promise_reminder_schedule,
    subscriber_connected,
    trigger_setting_save,
)

__all__ = [
    "ALREADY",
    "NO_GATEWAY",
    "NO_TEMPLATE",
    "OFF",
    "RUN",
    "SEND_AT",
    "Fired",
    "Trigger",
    "batch_imported",
    "daily_run",
    "date_text",
    "days_of",
    "due_date_parse",
    "enabled",
    "fire",
    "get",
    "payment_key",
    "promise_reminder_schedule",
    "register",
    "registered",
    "setting",
    "setting_default",
    "settings_of",
    "subscriber_connected",
    "template_of",
    "trigger_setting_save",
]
