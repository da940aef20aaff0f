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
        _("Sales"),
        [
            (_("Coordinator's queue"), "sales:queue", "sales.change_application", {}),
            (_("Applications"), "registry", "sales.view_application", {"name": "applications"}),
            (_("New application"), "sales:application_new", "sales.add_application", {}),
            (_("Field application"), "sales:field", "sales.add_application", {}),
            (_("Demand outside coverage"), "sales:demand", "sales.view_application", {}),
            (_("Schedule"), "sales:schedule", "sales.view_slot", {}),
            (_("Installation teams"), "sales:teams", "sales.view_team", {}),
            (_("Force majeure"), "sales:force_majeure", "sales.change_slot", {}),
            (_("Relocations"), "registry", "sales.view_relocation", {"name": "relocations"}),
            (_("Daily sales report"), "sales:report_daily", "sales.view_salesplan", {}),
            (_("Sales plans"), "sales:plans", "sales.change_salesplan", {}),
            (_("Refer a friend"), "sales:referrals", "sales.view_referralreward", {}),
            (_("Sales settings"), "sales:settings", "sales.view_reason", {}),
            (
                _("Paid but not connected"),
                "registry",
                "sales.view_application",
                {"name": "paid_not_connected"},
            ),
            (_("Export to billing"), "sales:billing_export", "sales.change_application", {}),
            # Only installers (and the administrator) add visit photos: their day's jobs.
            (_("Today's jobs"), "sales:installer", "sales.add_visitphoto", {}),
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
            (_("TV channels"), "comms:tv_channels", "comms.view_tvchannel", {}),
            (_("Messages"), "registry", "comms.view_message", {"name": "messages"}),
            (_("Outages and works"), "registry", "comms.view_outage", {"name": "outages"}),
            (_("Contact rules"), "comms:rules", "comms.view_contactpolicy", {}),
            (_("Event messages"), "comms:triggers", "comms.view_triggersetting", {}),
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
            (_("Billing sources"), "subscribers:sources", "subscribers.view_billingsource", {}),
            (_("Staff"), "staff:users", "auth.change_user", {}),
            (_("Document templates"), "documents", "core.change_documenttemplate", {}),
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
