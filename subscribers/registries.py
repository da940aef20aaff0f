"""The subscriber base as registries (core.registry)."""

from django.utils.translation import gettext_lazy as _

from core.registry import Column, Registry

from .filtersets import SubscriberFilter, search_subscribers
from .models import Subscriber


def _address(row: Subscriber) -> str:
    building = row.building
    if building is None:
        return ""
    flat = f", {row.flat}" if row.flat else ""
    return f"{building.street.name}, {building.house}{flat}"


SUBSCRIBERS = Registry(
    name="subscribers",
    model=Subscriber,
    title=_("Subscribers"),
    description=_("The subscriber base of your branches, as imported from the billing."),
    permission="subscribers.view_subscriber",
    filterset=SubscriberFilter,
    columns=[
        Column("account", _("Account")),
        Column("full_name", _("Subscriber")),
        Column("phone", _("Phone")),
        Column("address", _("Address"), value=_address),
        Column("branch", _("Branch"), value=lambda r: r.branch.name),
        Column("tariff", _("Tariff"), value=lambda r: r.tariff.name if r.tariff else None),
        Column("status", _("Status"), value=lambda r: r.get_status_display()),
        Column("technology", _("Technology"), default=False),
        Column("reported_balance", _("Balance")),
        Column("connected_on", _("Connected")),
        Column("terminated_on", _("Terminated"), default=False),
        Column("email", _("E-mail"), default=False),
        Column("phone2", _("Second phone"), default=False),
    ],
    sorts={
        "account": ("account",),
        "full_name": ("full_name",),
        "reported_balance": ("reported_balance",),
        "connected_on": ("connected_on",),
    },
    default_sort="account",
    search=search_subscribers,
    search_help=_(
        "Account, phone in any form or its last digits, part of the name, or street and house."
    ),
    branch_field="branch",
    select_related=("branch", "tariff", "building__street"),
)
