"""The subscriber card's "Communications" tab: the marketing opt-out (set and cleared here),
and the contacts planned and refused for the subscriber."""

from .models import Contact, ContactRefusal, OptOut

RECENT = 10


def tab_context(request, subscriber) -> dict:
    from .views.calls import card_calls_context

    return card_calls_context(request, subscriber) | {
        "subscriber": subscriber,
        "opt_out": OptOut.objects.filter(subscriber=subscriber)
        .select_related("created_by")
        .first(),
        "may_change": request.user.has_perm("comms.change_optout"),
        "contacts": Contact.objects.filter(subscriber=subscriber).order_by("-at")[:RECENT],
        "refusals": ContactRefusal.objects.filter(subscriber=subscriber).order_by("-created_at")[
            :RECENT
        ],
    }
