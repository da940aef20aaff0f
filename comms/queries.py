"""Reads of the communications block: how a template reads for a subscriber, its parts and
what a send costs."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from . import placeholders
from .gateways import ADAPTERS
from .models import Channel, Gateway
from .sms import Segments, segments


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    segments: Segments | None  # SMS only
    cost: Decimal | None  # one message through the active gateway of its channel
    error: str = ""


def gateway_for(channel: str) -> Gateway | None:
    """The gateway the channel's messages go through: the first active one, by name, of the
    kinds an adapter hands over to (comms.gateways)."""
    kinds = [kind for kind in ADAPTERS if Gateway(kind=kind).channel == channel]
    return Gateway.objects.filter(active=True, kind__in=kinds).order_by("name").first()


def part_price(channel: str) -> Decimal | None:
    """The price of a part (an SMS part, a letter) at the channel's gateway."""
    gateway = gateway_for(channel)
    return None if gateway is None else gateway.part_price


def preview(*, channel: str, subject: str, body: str, subscriber=None) -> Preview:
    """The message as it would go to the subscriber (or with sample values), or the error that
    stops it."""
    try:
        placeholders.check(subject)
        placeholders.check(body)
        subject = placeholders.render(subject, subscriber, sample=True)
        body = placeholders.render(body, subscriber, sample=True)
    except placeholders.TextError as e:
        return Preview(subject, body, None, None, str(e))
    price = part_price(channel)
    if channel == Channel.SMS:
        parts = segments(body)
        cost = None if price is None else price * parts.parts
        return Preview("", body, parts, cost)
    return Preview(subject, body, None, price)


# -- event messages (comms.triggers) -------------------------------------------------------------
@dataclass(frozen=True)
class TriggerRow:
    trigger: object  # comms.triggers.Trigger
    template: object | None  # its MessageTemplate, when installed
    settings: list  # the TriggerSetting in force in each branch shown, in their order
    fired: int  # firings in the last 30 days
    not_sent: int  # of them, without a message (no address, no value)


def trigger_firings(days: int = 30, now=None) -> dict[str, tuple[int, int]]:
    """trigger → (fired, of them without a message) in the last `days` days. Firings are
    numbered as they happen, so the window starts after the newest older one (found reading
    the primary key back from the newest), and the count reads only the window's rows."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from .models import TriggerFiring
    from .triggers import RUN

    since = (now or timezone.now()) - timedelta(days=days)
    older = (
        TriggerFiring.objects.filter(fired_at__lt=since)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    rows = (
        TriggerFiring.objects.filter(pk__gt=older or 0)
        .exclude(trigger=RUN)
        .values("trigger")
        .annotate(n=Count("pk"), empty=Count("pk", filter=Q(message=None)))
    )
    return {r["trigger"]: (r["n"], r["empty"]) for r in rows}


def trigger_rows(branches) -> list[TriggerRow]:
    """Every registered trigger with its template, its setting in each branch and its count."""
    from . import triggers
    from .models import MessageTemplate

    branches = list(branches)
    registered = triggers.registered()
    templates = MessageTemplate.objects.in_bulk([t.template for t in registered], field_name="code")
    fired = trigger_firings()
    saved = _saved_settings(branches)
    rows = []
    for trigger in registered:
        n, empty = fired.get(trigger.code, (0, 0))
        rows.append(
            TriggerRow(
                trigger=trigger,
                template=templates.get(trigger.template),
                settings=_in_force(trigger, branches, saved),
                fired=n,
                not_sent=empty,
            )
        )
    return rows


def triggers_of_template(template, branches) -> list[TriggerRow]:
    """The triggers that send this template, with their settings in the branches."""
    from . import triggers

    branches = list(branches)
    saved = _saved_settings(branches)
    return [
        TriggerRow(
            trigger=t,
            template=template,
            settings=_in_force(t, branches, saved),
            fired=0,
            not_sent=0,
        )
        for t in triggers.registered()
        if t.template == template.code
    ]


def _in_force(trigger, branches, saved: dict) -> list:
    """The trigger's setting in force in each branch: the saved one, else its defaults."""
    from . import triggers

    return [
        saved.get((trigger.code, b.pk)) or triggers.setting_default(trigger, b.pk) for b in branches
    ]


def _saved_settings(branches) -> dict:
    from .models import TriggerSetting

    ids = [b.pk for b in branches]
    return {(s.trigger, s.branch_id): s for s in TriggerSetting.objects.filter(branch_id__in=ids)}


def trigger_history(branches, limit: int = 50) -> list:
    """The latest changes of the event message settings of these branches: who, when, what."""
    from .models import TriggerSetting

    return list(
        TriggerSetting.history.filter(branch_id__in=[b.pk for b in branches])
        .select_related("history_user", "branch")
        .order_by("-history_date", "-history_id")[:limit]
    )
