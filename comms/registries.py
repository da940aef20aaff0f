"""The communications block's registries (core.registry)."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.filtersets import ChoicesFilter
from core.registry import Column, Registry
from subscribers.privacy import PERMISSION as PRIVACY_PERMISSION
from subscribers.privacy import mask_email, mask_phone

from .models import (
    Campaign,
    Channel,
    ContactKind,
    ContactRefusal,
    Message,
    MessageTemplate,
    Purpose,
)


def checkboxes(label, choices) -> ChoicesFilter:
    return ChoicesFilter(label=label, choices=choices, widget=forms.CheckboxSelectMultiple)


class MessageTemplateFilter(django_filters.FilterSet):
    channel = checkboxes(_("Channel"), Channel.choices)
    purpose = checkboxes(_("Purpose"), Purpose.choices)
    active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = MessageTemplate
        fields = []


def _search(rows, text: str, user):
    return rows.filter(Q(name__icontains=text) | Q(body__icontains=text) | Q(code=text))


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
        Column("code", _("Code"), default=False),
        Column("updated_at", _("Updated"), default=False),
    ],
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
        Column("template", _("Template"), value=lambda r: r.template.name),
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
    select_related=("template", "segment"),
)
