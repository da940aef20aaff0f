"""The subscriber base as registries (core.registry)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import Column, Registry, choice_label

from .filtersets import SubscriberFilter, search_subscribers
from .models import Subscriber
from .privacy import PERMISSION, mask_email, mask_flat, mask_phone


def _address(row: Subscriber, flat=None) -> str:
    building = row.building
    if building is None:
        return ""
    flat = row.flat if flat is None else flat
    return f"{building.street.name}, {building.house}" + (f", {flat}" if flat else "")


def _address_masked(row: Subscriber) -> str:
    return _address(row, flat=mask_flat(row.flat) or "")


SUBSCRIBERS = Registry(
    name="subscribers",
    model=Subscriber,
    title=_("Subscribers"),
    description=_("The subscriber base of your branches, as imported from the billing."),
    permission="subscribers.view_subscriber",
    filterset=SubscriberFilter,
    columns=[
        Column("account", _("Account"), link=True),
        Column("full_name", _("Subscriber")),
        Column("phone", _("Phone"), mask=lambda r: mask_phone(r.phone)),
        Column("address", _("Address"), value=_address, mask=_address_masked),
        Column("branch", _("Branch"), value=lambda r: r.branch.name),
        Column("tariff", _("Tariff"), value=lambda r: r.tariff.name if r.tariff else None),
        Column("status", _("Status"), value=choice_label(Subscriber, "status")),
        Column("technology", _("Technology"), default=False),
        Column("reported_balance", _("Balance")),
        Column("arpu", _("ARPU"), default=False),
        Column("debt_months", _("Months in debt"), default=False),
        Column("connected_on", _("Connected")),
        Column("terminated_on", _("Terminated"), default=False),
        Column("email", _("E-mail"), default=False, mask=lambda r: mask_email(r.email)),
        Column("phone2", _("Second phone"), default=False, mask=lambda r: mask_phone(r.phone2)),
    ],
    sorts={
        "account": ("account",),
        "full_name": ("full_name",),
        "reported_balance": ("money__reported_balance",),
        "connected_on": ("connected_on",),
    },
    default_sort="account",
    search=search_subscribers,
    search_help=_(
        "Account, phone in any form or its last digits, part of the name, or street and house."
    ),
    branch_field="branch",
    notice=lambda request: render_to_string("subscribers/_freshness_notice.html", request=request),
    private_permission=PERMISSION,
    link=lambda r: reverse("subscribers:card", kwargs={"pk": r.pk}),
    select_related=("branch", "tariff", "building__street", "money"),
)
