"""Navigation menu by department block, filtered by the user's permissions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission or None); later blocks append theirs.
MENU = [
    (_("Subscribers"), "registry", "subscribers.view_subscriber", {"name": "subscribers"}),
    (
        _("Churn and inflow"),
        "analytics:report",
        "subscribers.view_monthlyfact",
        {"name": "churn_inflow"},
    ),
    (_("Base analysis"), "analytics:report", "subscribers.view_monthlyfact", {"name": "base"}),
    (_("Tariffs"), "analytics:report", "subscribers.view_monthlyfact", {"name": "tariffs"}),
    (_("Billing import"), "subscribers:import_list", "subscribers.add_importbatch"),
    (_("Staff"), "staff:users", "auth.change_user"),
    (_("Audit"), "registry", "core.view_auditevent", {"name": "audit"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"menu": []}
    items = []
    for entry in MENU:
        label, url_name, perm = entry[:3]
        kwargs = entry[3] if len(entry) > 3 else {}
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name, kwargs=kwargs)
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"menu": items}
