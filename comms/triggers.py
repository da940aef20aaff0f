"""Event messages (3.4.16): each shipped template's trigger, the event that sends it.

A trigger names its template by code, says whether it is on by default and what its days mean;
the operator turns it on or off per branch (comms.TriggerSetting, the page Communications →
Event messages). The code where the event happens — a payment imported, a subscriber connected,
a day's scan for birthdays, an outage entered — calls `fire(...)` with a key naming that one
event; (trigger, key) is unique (comms.TriggerFiring), so one event sends its message once,
however often the code that notices it runs. Later blocks register their own triggers here
(`register(Trigger(...))`) as they register placeholders."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Message, MessageTemplate, TriggerFiring, TriggerSetting


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
    trigger = get(trigger) if isinstance(trigger, str) else trigger
    saved = TriggerSetting.objects.filter(trigger=trigger.code, branch_id=branch_id).first()
    return saved or TriggerSetting(
        trigger=trigger.code,
        branch_id=branch_id,
        enabled=trigger.default_enabled,
        days=trigger.default_days,
        values={},
    )


def enabled(trigger: Trigger | str, branch_id: int) -> bool:
    return setting(trigger, branch_id).enabled


@dataclass(frozen=True)
class Fired:
    """What one fire() did: sent (a message, possibly deferred or refused by the contact
    rules), skipped (off, already fired, no template, no address) and why."""

    message: Message | None
    skipped: str = ""


OFF, ALREADY, NO_TEMPLATE = "off", "already", "no_template"


def fire(
    code: str,
    *,
    subscriber,
    key: str,
    values: dict | None = None,
    not_before=None,
    config: TriggerSetting | None = None,
) -> Fired:
    """Send the trigger's message to the subscriber for the event named by `key`, once, in
    the caller's transaction (a rolled-back event sends nothing and leaves no firing). The
    message goes through the outbox and so keeps the contact rules; an advertising trigger
    (birthday) reaches only a subscriber who consented. `config` saves the setting's lookup
    in a loop over many subscribers of one branch."""
    from .outbox import OutboxError, template_queue

    trigger = _TRIGGERS[code]
    config = config or setting(trigger, subscriber.branch_id)
    if not config.enabled:
        return Fired(None, OFF)
    template = MessageTemplate.objects.filter(code=trigger.template, active=True).first()
    if template is None:
        return Fired(None, NO_TEMPLATE)
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
    ),
    Trigger(
        "welcome_letter",
        "welcome_letter",
        _("Welcome letter"),
        _("A subscriber with an e-mail is connected."),
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
