"""{% data_freshness %}: "data as of …" of the billing sync, and a warning when it is late, on
every page that shows money."""

from django import template

from ..queries import data_freshness as freshness_of

register = template.Library()


@register.inclusion_tag("subscribers/_freshness.html", takes_context=True)
def data_freshness(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "freshness": freshness_of(),
        "may_see_sources": bool(user and user.has_perm("subscribers.view_billingsource")),
    }
