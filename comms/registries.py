"""The communications block's registries (core.registry)."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.filtersets import ChoicesFilter
from core.registry import Column, Registry

from .models import Channel, MessageTemplate, Purpose


class MessageTemplateFilter(django_filters.FilterSet):
    channel = ChoicesFilter(
        label=_("Channel"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = ChoicesFilter(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
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
