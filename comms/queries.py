"""Reads of the communications block: how a template reads for a subscriber, its parts and
what a send costs."""

from dataclasses import dataclass
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
