"""The subscriber card's "Communications" tab: the marketing opt-out (set and cleared here),
the consent to advertising per channel (given and withdrawn here), and the contacts planned and
refused for the subscriber."""

from .consent_forms import CARD_SOURCES
from .models import Consent, Contact, ContactRefusal, OptOut

RECENT = 10


def tab_context(request, subscriber) -> dict:
    from .views.calls import card_calls_context

    return card_calls_context(request, subscriber) | {
        "subscriber": subscriber,
        "opt_out": OptOut.objects.filter(subscriber=subscriber)
        .select_related("created_by")
        .first(),
        "may_change": request.user.has_perm("comms.change_optout"),
        "consents": _consents(subscriber),
        "consent_sources": CARD_SOURCES,
        "may_change_consent": request.user.has_perm("comms.change_consent"),
        "contacts": Contact.objects.filter(subscriber=subscriber).order_by("-at")[:RECENT],
        "refusals": ContactRefusal.objects.filter(subscriber=subscriber).order_by("-created_at")[
            :RECENT
        ],
    }


def _consents(subscriber) -> list[tuple[str, str, Consent | None]]:
    """Each channel with the subscriber's consent on it (or None), in one query."""
    held = {
        c.channel: c
        for c in Consent.objects.filter(subscriber=subscriber).select_related(
            "given_by", "withdrawn_by"
        )
    }
    return [(value, label, held.get(value)) for value, label in Consent.Channel.choices]
