"""Navigation menu by department block, filtered by the user's permissions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Department blocks, each with its pages: (label, url name, permission or None, url kwargs).
# A block of one page the user may open is shown as a plain link; later blocks add theirs.
MENU = [
    (
        _("Subscriber base"),
        [
            (_("Subscribers"), "registry", "subscribers.view_subscriber", {"name": "subscribers"}),
            (_("Buildings"), "registry", "subscribers.view_building", {"name": "buildings"}),
            (_("Coverage check"), "subscribers:coverage", "subscribers.view_building", {}),
            (_("Segments"), "segments:list", "segments.view_segment", {}),
        ],
    ),
    (
        _("Analysis"),
        [
            (
                _("Churn and inflow"),
                "analytics:report",
                "subscribers.view_monthlyfact",
                {"name": "churn_inflow"},
            ),
            (
                _("Base analysis"),
                "analytics:report",
                "subscribers.view_monthlyfact",
                {"name": "base"},
            ),
            (_("Tariffs"), "analytics:report", "subscribers.view_monthlyfact", {"name": "tariffs"}),
        ],
    ),
    (
        _("Communications"),
        [
            (
                _("Message templates"),
                "registry",
                "comms.view_messagetemplate",
                {"name": "message_templates"},
            ),
            (_("Call scripts"), "registry", "comms.view_script", {"name": "scripts"}),
            (_("Objection book"), "comms:objections", "comms.view_objection", {}),
            (_("Campaigns"), "registry", "comms.view_campaign", {"name": "campaigns"}),
            (_("Call lists"), "registry", "comms.view_calllist", {"name": "call_lists"}),
            (_("Calls"), "registry", "comms.view_call", {"name": "calls"}),
            (_("Surveys"), "registry", "comms.view_survey", {"name": "surveys"}),
            (_("Messages"), "registry", "comms.view_message", {"name": "messages"}),
            (_("Contact rules"), "comms:rules", "comms.view_contactpolicy", {}),
            (
                _("Contacts refused or deferred"),
                "registry",
                "comms.view_contactrefusal",
                {"name": "contact_refusals"},
            ),
        ],
    ),
    (
        _("Administration"),
        [
            (_("Billing import"), "subscribers:import_list", "subscribers.add_importbatch", {}),
            (_("Staff"), "staff:users", "auth.change_user", {}),
            (_("Audit"), "registry", "core.view_auditevent", {"name": "audit"}),
        ],
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"menu": []}
    blocks = []
    for label, pages in MENU:
        items = []
        for title, url_name, perm, kwargs in pages:
            if perm and not user.has_perm(perm):
                continue
            url = reverse(url_name, kwargs=kwargs)
            items.append({"label": title, "url": url, "active": request.path == url})
        if items:
            blocks.append(
                {"label": label, "items": items, "active": any(i["active"] for i in items)}
            )
    return {"menu": blocks}
