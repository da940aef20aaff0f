"""The communications block's registries (core.registry)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.filtersets import checkboxes
from core.registry import Action, Column, Registry
from subscribers.privacy import PERMISSION as PRIVACY_PERMISSION
from subscribers.privacy import mask_email, mask_phone

from .models import (
    Call,
    CallList,
    CallListEntry,
    CallResult,
    Campaign,
    Channel,
    ContactKind,
    ContactRefusal,
    Message,
    MessageTemplate,
    Purpose,
    Script,
)
from .player import duration_text


class MessageTemplateFilter(django_filters.FilterSet):
    channel = checkboxes(_("Channel"), Channel.choices)
    purpose = checkboxes(_("Purpose"), Purpose.choices)
    active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    needs_review = django_filters.BooleanFilter(
        label=_("Adapt before use"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = MessageTemplate
        fields = []


def _search(rows, text: str, user):
    return rows.filter(Q(name__icontains=text) | Q(body__icontains=text) | Q(code=text))


def to_adapt_action(request, query: str) -> Action | None:
    """The header's count of shipped texts still to adapt, linking to them; none when none."""
    count = MessageTemplate.objects.filter(needs_review=True).count()
    if not count:
        return None
    label = ngettext(
        "%(count)s text to adapt before use", "%(count)s texts to adapt before use", count
    ) % {"count": count}
    url = reverse("registry", kwargs={"name": "message_templates"}) + "?needs_review=true"
    return Action(label, url, name="templates-to-adapt")


MESSAGE_TEMPLATES = Registry(
    name="message_templates",
    model=MessageTemplate,
    title=_("Message templates"),
    description=_("The SMS and letters sent to subscribers, with the events that send them."),
    permission="comms.view_messagetemplate",
    filterset=MessageTemplateFilter,
    columns=[
        Column("name", _("Name"), link=True),
        Column("channel", _("Channel"), value=lambda r: r.get_channel_display()),
        Column("purpose", _("Purpose"), value=lambda r: r.get_purpose_display()),
        Column("trigger", _("When it goes")),
        Column("body", _("Text"), default=False),
        Column("active", _("Active")),
        Column(
            "needs_review",
            _("Adapt before use"),
            value=lambda r: _("Adapt before use") if r.needs_review else None,
        ),
        Column("code", _("Code"), default=False),
        Column("updated_at", _("Updated"), default=False),
    ],
    actions=[to_adapt_action],
    sorts={"name": ("name",), "updated_at": ("updated_at",)},
    default_sort="name",
    search=_search,
    search_help=_("Part of the name or the text, or the code."),
    link=lambda r: reverse("comms:template", kwargs={"pk": r.pk}),
)


class ContactRefusalFilter(django_filters.FilterSet):
    decision = checkboxes(_("Decision"), ContactRefusal.Decision.choices)
    reason = checkboxes(_("Reason"), ContactRefusal.Reason.choices)
    kind = checkboxes(_("Kind"), ContactKind.choices)
    purpose = checkboxes(_("Purpose"), Purpose.choices)

    class Meta:
        model = ContactRefusal
        fields = []


CONTACT_REFUSALS = Registry(
    name="contact_refusals",
    model=ContactRefusal,
    title=_("Contacts refused or deferred"),
    description=_("Every call and message the contact rules moved or stopped, with the reason."),
    permission="comms.view_contactrefusal",
    filterset=ContactRefusalFilter,
    columns=[
        Column("created_at", _("Logged")),
        Column("account", _("Account"), value=lambda r: r.subscriber.account, link=True),
        Column("kind", _("Kind"), value=lambda r: r.get_kind_display()),
        Column("purpose", _("Purpose"), value=lambda r: r.get_purpose_display()),
        Column("decision", _("Decision"), value=lambda r: r.get_decision_display()),
        Column("reason", _("Reason"), value=lambda r: r.get_reason_display()),
        Column("asked_at", _("Asked for")),
        Column("until", _("Moved to")),
    ],
    sorts={"created_at": ("created_at",)},
    default_sort="-created_at",
    search=lambda rows, text, user: rows.filter(subscriber__account=text.strip()),
    search_help=_("An account."),
    branch_field="subscriber__branch",
    link=lambda r: (
        reverse("subscribers:card", kwargs={"pk": r.subscriber_id}) if r.subscriber_id else ""
    ),
    select_related=("subscriber",),
)


class MessageFilter(django_filters.FilterSet):
    status = checkboxes(_("Status"), Message.Status.choices)
    channel = checkboxes(_("Channel"), Channel.choices)
    purpose = checkboxes(_("Purpose"), Purpose.choices)

    class Meta:
        model = Message
        fields = []


def _masked_to(row: Message) -> str:
    return mask_email(row.to) if row.channel == Channel.EMAIL else mask_phone(row.to)


MESSAGES = Registry(
    name="messages",
    model=Message,
    title=_("Messages"),
    description=_("Every SMS and letter to subscribers of your branches, and what became of it."),
    permission="comms.view_message",
    filterset=MessageFilter,
    columns=[
        Column("created_at", _("Queued")),
        Column(
            "account",
            _("Account"),
            value=lambda r: r.subscriber.account if r.subscriber else None,
            link=True,
        ),
        Column("to", _("To"), mask=_masked_to),
        Column("channel", _("Channel"), value=lambda r: r.get_channel_display()),
        Column("purpose", _("Purpose"), value=lambda r: r.get_purpose_display()),
        Column("status", _("Status"), value=lambda r: r.get_status_display()),
        Column("body", _("Text"), default=False),
        Column("parts", _("Parts"), default=False),
        Column("not_before", _("Not before"), default=False),
        Column("handed_at", _("Handed over")),
        Column("delivered_at", _("Delivered")),
        Column("error", _("Error"), default=False),
    ],
    sorts={"created_at": ("created_at",)},
    default_sort="-created_at",
    search=lambda rows, text, user: rows.filter(subscriber__account=text.strip()),
    search_help=_("An account."),
    branch_field="subscriber__branch",
    private_permission=PRIVACY_PERMISSION,
    link=lambda r: (
        reverse("subscribers:card", kwargs={"pk": r.subscriber_id}) if r.subscriber_id else ""
    ),
    select_related=("subscriber",),
)


class CampaignFilter(django_filters.FilterSet):
    status = checkboxes(_("Status"), Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields = []


CAMPAIGNS = Registry(
    name="campaigns",
    model=Campaign,
    title=_("Campaigns"),
    description=_("Messages to a segment or a list: their reach after the contact rules."),
    permission="comms.view_campaign",
    filterset=CampaignFilter,
    columns=[
        Column("name", _("Name"), link=True),
        Column(
            "template",
            _("Template or script"),
            value=lambda r: r.template.name if r.template_id else str(r.script),
        ),
        Column("segment", _("Segment"), value=lambda r: r.segment.name if r.segment else ""),
        Column("status", _("Status"), value=lambda r: r.get_status_display()),
        Column("launched_at", _("Launched")),
        Column("queued", _("Queued"), value=lambda r: r.counts.get("queued")),
        Column("created_at", _("Created"), default=False),
    ],
    sorts={"created_at": ("created_at",), "name": ("name",)},
    default_sort="-created_at",
    search=lambda rows, text, user: rows.filter(name__icontains=text),
    search_help=_("Part of the name."),
    link=lambda r: reverse("comms:campaign", kwargs={"pk": r.pk}),
    select_related=("template", "script", "segment"),
)


# -- calls and call lists ---------------------------------------------------------------------
class CallFilter(django_filters.FilterSet):
    started = django_filters.DateFromToRangeFilter(
        field_name="started_at",
        label=_("Started"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    result = checkboxes(_("Result"), CallResult.choices)
    success = django_filters.BooleanFilter(
        label=_("Ended well"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    script = django_filters.ModelChoiceFilter(
        field_name="script_version__script", label=_("Script"), queryset=Script.objects.all()
    )
    operator = django_filters.ModelChoiceFilter(
        label=_("Operator"),
        queryset=get_user_model().objects.filter(calls__isnull=False).distinct(),
    )
    outcome = django_filters.CharFilter(label=_("Outcome code"))
    call_list = django_filters.NumberFilter(field_name="entry__call_list", label=_("Call list"))

    class Meta:
        model = Call
        fields = []


CALLS = Registry(
    name="calls",
    model=Call,
    title=_("Calls"),
    description=_("Every call made with a script: who, whom, how long, and how it ended."),
    permission="comms.view_call",
    filterset=CallFilter,
    columns=[
        Column("started_at", _("Started"), link=True),
        Column("operator", _("Operator"), value=lambda r: r.operator.username),
        Column(
            "account",
            _("Account"),
            value=lambda r: r.subscriber.account if r.subscriber_id else "",
        ),
        Column("phone", _("Phone"), mask=lambda r: mask_phone(r.phone), default=False),
        Column(
            "script",
            _("Script"),
            value=lambda r: f"{r.script_version.script.name} v{r.script_version.number}",
        ),
        Column("duration", _("Duration"), value=lambda r: duration_text(r)),
        Column("result", _("Result"), value=lambda r: r.get_result_display()),
        Column("outcome", _("Outcome"), value=lambda r: r.outcome_title),
        Column("success", _("Ended well")),
        Column("note", _("Note"), default=False),
        Column("action_result", _("After the call"), default=False),
    ],
    sorts={"started_at": ("started_at",)},
    default_sort="-started_at",
    search=lambda rows, text, user: rows.filter(
        Q(subscriber__account=text.strip()) | Q(phone__endswith=text.strip()[-10:])
    ),
    search_help=_("An account or a phone."),
    branch_field="branch",
    private_permission=PRIVACY_PERMISSION,
    link=lambda r: reverse("comms:call", kwargs={"pk": r.pk}),
    select_related=("operator", "subscriber", "script_version__script"),
)


class CallListFilter(django_filters.FilterSet):
    status = checkboxes(_("Status"), CallList.Status.choices)
    purpose = checkboxes(_("Purpose"), Purpose.choices)

    class Meta:
        model = CallList
        fields = []


CALL_LISTS = Registry(
    name="call_lists",
    model=CallList,
    title=_("Call lists"),
    description=_("Subscribers to call with a script; take the next call from a list's page."),
    permission="comms.view_calllist",
    filterset=CallListFilter,
    columns=[
        Column("name", _("Name"), link=True),
        Column("script", _("Script"), value=lambda r: str(r.script)),
        Column("purpose", _("Purpose"), value=lambda r: r.get_purpose_display()),
        Column("status", _("Status"), value=lambda r: r.get_status_display()),
        Column("created_at", _("Created")),
    ],
    sorts={"created_at": ("created_at",), "name": ("name",)},
    default_sort="-created_at",
    search=lambda rows, text, user: rows.filter(name__icontains=text),
    search_help=_("Part of the name."),
    link=lambda r: reverse("comms:call_list", kwargs={"pk": r.pk}),
    select_related=("script",),
)


class CallListEntryFilter(django_filters.FilterSet):
    call_list = django_filters.ModelChoiceFilter(
        label=_("Call list"), queryset=CallList.objects.all()
    )
    status = checkboxes(_("Status"), CallListEntry.Status.choices)
    last_result = checkboxes(_("Last result"), CallResult.choices)

    class Meta:
        model = CallListEntry
        fields = []


CALL_LIST_ENTRIES = Registry(
    name="call_list_entries",
    model=CallListEntry,
    title=_("Call list entries"),
    description=_("Whom each call list still has to call, and how the attempts went."),
    permission="comms.view_calllistentry",
    filterset=CallListEntryFilter,
    columns=[
        Column("account", _("Account"), value=lambda r: r.subscriber.account, link=True),
        Column("phone", _("Phone"), mask=lambda r: mask_phone(r.phone)),
        Column("call_list", _("Call list"), value=lambda r: r.call_list.name),
        Column("status", _("Status"), value=lambda r: r.get_status_display()),
        Column("attempts", _("Attempts")),
        Column("not_before", _("Call from")),
        Column(
            "assigned_to",
            _("Assigned to"),
            value=lambda r: r.assigned_to.username if r.assigned_to_id else "",
        ),
        Column("last_result", _("Last result"), value=lambda r: r.get_last_result_display()),
        Column("outcome", _("Outcome"), default=False),
    ],
    sorts={"not_before": ("not_before",), "updated_at": ("updated_at",)},
    default_sort="not_before",
    search=lambda rows, text, user: rows.filter(subscriber__account=text.strip()),
    search_help=_("An account."),
    branch_field="subscriber__branch",
    private_permission=PRIVACY_PERMISSION,
    link=lambda r: reverse("subscribers:card", kwargs={"pk": r.subscriber_id}),
    select_related=("subscriber", "call_list", "assigned_to"),
)


class ScriptFilter(django_filters.FilterSet):
    purpose = checkboxes(_("Purpose"), Purpose.choices)
    active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Script
        fields = []


def _search_scripts(rows, text: str, user):
    return rows.filter(
        Q(name__icontains=text) | Q(number__startswith=text.strip()) | Q(code=text.strip())
    )


SCRIPTS = Registry(
    name="scripts",
    model=Script,
    title=_("Call scripts"),
    description=_("What operators say in calls, step by step, with the versions published."),
    permission="comms.view_script",
    filterset=ScriptFilter,
    columns=[
        Column("number", _("Number")),
        Column("name", _("Name"), link=True),
        Column("purpose", _("Purpose"), value=lambda r: r.get_purpose_display()),
        Column("current", _("Current version")),
        Column("active", _("Active")),
        Column("updated_at", _("Updated")),
        Column("code", _("Code"), default=False),
    ],
    sorts={"number": ("number", "name"), "name": ("name",), "updated_at": ("updated_at",)},
    default_sort="number",
    search=_search_scripts,
    search_help=_("Part of the name, the number or the code."),
    link=lambda r: reverse("comms:script", kwargs={"pk": r.pk}),
    prepare=lambda rows: rows.annotate(current=Max("versions__number")),
)


# -- surveys (comms.surveys) --------------------------------------------------------------------
# Imported here, with the part they serve, so the section stays one block at the end.
from django.db.models import Count  # noqa: E402

from .models import Survey  # noqa: E402


class SurveyFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Survey
        fields = []


SURVEYS = Registry(
    name="surveys",
    model=Survey,
    title=_("Surveys"),
    description=_(
        "Questionnaires sent by an SMS link, asked in calls or filled in on the web, with their "
        "results."
    ),
    permission="comms.view_survey",
    filterset=SurveyFilter,
    columns=[
        Column("name", _("Name"), link=True),
        Column("question_count", _("Questions")),
        Column("valid_days", _("Link valid, days")),
        Column("active", _("Active")),
        Column("code", _("Code"), default=False),
        Column("updated_at", _("Updated")),
    ],
    sorts={"name": ("name",), "updated_at": ("updated_at",)},
    default_sort="name",
    search=lambda rows, text, user: rows.filter(Q(name__icontains=text) | Q(code=text.strip())),
    search_help=_("Part of the name, or the code."),
    link=lambda r: reverse("comms:survey", kwargs={"pk": r.pk}),
    prepare=lambda rows: rows.annotate(question_count=Count("questions")),
)


# -- outages and planned works ------------------------------------------------------------------
from subscribers.filtersets import user_branches  # noqa: E402

from .models import Outage  # noqa: E402


class OutageFilter(django_filters.FilterSet):
    kind = checkboxes(_("Kind"), Outage.Kind.choices)
    state = checkboxes(_("State"), Outage.State.choices)
    branch = django_filters.ModelMultipleChoiceFilter(
        label=_("Branch"), queryset=user_branches, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    starts = django_filters.DateFromToRangeFilter(
        field_name="starts_at",
        label=_("Starts"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Outage
        fields = []


OUTAGES = Registry(
    name="outages",
    model=Outage,
    title=_("Outages and works"),
    description=_(
        "Planned works and emergencies by building or street, and the messages they sent to "
        "those affected."
    ),
    permission="comms.view_outage",
    filterset=OutageFilter,
    columns=[
        Column("title", _("What"), link=True),
        Column("kind", _("Kind"), value=lambda r: r.get_kind_display()),
        Column("state", _("State"), value=lambda r: r.get_state_display()),
        Column("branch", _("Branch"), value=lambda r: r.branch.name),
        Column("starts_at", _("Starts")),
        Column("ends_at", _("Expected end")),
        Column("affected", _("Affected"), value=lambda r: r.counts.get("affected")),
        Column("created_at", _("Entered"), default=False),
    ],
    sorts={"starts_at": ("starts_at",), "created_at": ("created_at",)},
    default_sort="-starts_at",
    search=lambda rows, text, user: rows.filter(title__icontains=text),
    search_help=_("Part of what it is."),
    branch_field="branch",
    link=lambda r: reverse("comms:outage", kwargs={"pk": r.pk}),
    select_related=("branch",),
)
