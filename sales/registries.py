"""The coordination block's registries (core.registry): applications (2.3.1). Other registries
of the block are appended below."""

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Reverse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import checkboxes
from core.models import Branch
from core.registry import Column, Registry, choice_label
from core.sql import text_contains
from subscribers.addresses import STREET_TYPES
from subscribers.filtersets import at_address, in_buildings
from subscribers.importing.parse import FieldError, phone_normalize
from subscribers.privacy import PERMISSION as PRIVACY_PERMISSION
from subscribers.privacy import mask_phone

from .models import Application, Channel, Source
from .workflow import OPEN


def overdue_q(now=None) -> Q:
    """Open applications past a clock: no first contact in time, or not installed in time."""
    now = now or timezone.now()
    return Q(state__in=OPEN) & (
        Q(first_contact_at=None, contact_due__lt=now) | Q(install_due__lt=now)
    )


class ApplicationFilter(django_filters.FilterSet):
    state = checkboxes(_("State"), Application.State.choices)
    source = checkboxes(_("Source"), Source.choices)
    channel = checkboxes(_("Channel"), Channel.choices)
    branch = django_filters.ModelChoiceFilter(label=_("Branch"), queryset=Branch.objects.all())
    agent = django_filters.ModelChoiceFilter(
        label=_("Agent"),
        # Those credited with an application: one probe of the agent's index per user, not a
        # DISTINCT over every application.
        queryset=get_user_model()
        .objects.filter(Exists(Application.objects.filter(agent=OuterRef("pk"))))
        .order_by("username"),
    )
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Registered"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("SLA breached"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Application
        fields = []

    def filter_overdue(self, rows, name, value):
        if value is None:
            return rows
        return rows.filter(overdue_q()) if value else rows.exclude(overdue_q())


NUMBER = re.compile(r"\d{2}-\d{6,}")  # an application's number: 26-000123 (services)
_TYPES = "|".join(sorted(map(re.escape, STREET_TYPES), key=len, reverse=True))
STREET_TYPE = re.compile(rf"^(?:{_TYPES})(?:\.\s*|\s+)", re.IGNORECASE)  # "ул. ", "пер "


def _search(rows, text: str, user):
    """The number, a phone in any form or its last digits, a part of the name, a street or an
    address. Each is answered from an index at 500,000 applications (docs/benchmarks.md): the
    number's own, the last digits from an index of the reversed numbers, streets and addresses
    by first finding their buildings (as the subscribers' search does), the addresses outside
    coverage and the parts of names from trigram indexes (PostgreSQL)."""
    text = text.strip()
    if NUMBER.fullmatch(text):
        return rows.filter(number=text)
    digits = "".join(ch for ch in text if ch.isdigit())
    found = Q(number=text)
    if not any(ch.isalpha() for ch in text) and digits:
        phone = None
        if len(digits) >= 10:
            try:
                phone = phone_normalize(text)
            except FieldError:
                pass
        if phone:
            return rows.filter(found | Q(phone=phone))
        if len(digits) >= 4:
            rows = rows.alias(phone_reversed=Reverse("phone"))
            found |= Q(phone_reversed__startswith=digits[::-1])
        return rows.filter(found)
    # An address outside coverage is only the text typed: found by the street's own words, as
    # the "ул." of nearly every address would make its trigrams cost more than they sift.
    rows, typed = text_contains(rows, "address", STREET_TYPE.sub("", text) or text)
    found |= Q(building=None) & typed
    words = text.split()
    if len(words) >= 2 and any(ch.isdigit() for ch in words[-1]):
        return rows.filter(found | Q(building__in=at_address(text, user)))
    found |= in_buildings(text, user)
    if not any(ch in ".,;" or ch.isdigit() for ch in text):  # "ул. Ленина" is not a name
        rows, by_name = text_contains(rows, "full_name", text)
        found |= by_name
    return rows.filter(found)


APPLICATIONS = Registry(
    name="applications",
    model=Application,
    title=_("Applications"),
    description=_("Every application of both sales channels and where it stands (2.3.1)."),
    permission="sales.view_application",
    filterset=ApplicationFilter,
    columns=[
        Column("number", _("Number"), link=True),
        Column("created_at", _("Registered")),
        Column("state", _("State"), value=choice_label(Application, "state")),
        Column("full_name", _("Name")),
        Column("phone", _("Phone"), mask=lambda r: mask_phone(r.phone)),
        Column("address", _("Address")),
        Column("flat", _("Flat"), default=False),
        Column("source", _("Source"), value=choice_label(Application, "source")),
        Column("channel", _("Channel"), value=choice_label(Application, "channel"), default=False),
        Column("branch", _("Branch"), value=lambda r: r.branch.name),
        Column("agent", _("Agent"), value=lambda r: r.agent.get_username() if r.agent_id else ""),
        Column("tariff", _("Tariff"), value=lambda r: r.tariff.name if r.tariff_id else ""),
        Column("paid", _("Payment taken"), default=False),
        Column("contact_due", _("First contact due"), default=False),
        Column("install_due", _("Installation due"), default=False),
        Column("connected_at", _("Connected"), default=False),
    ],
    sorts={"created_at": ("created_at",), "contact_due": ("contact_due",)},
    default_sort="-created_at",
    search=_search,
    search_help=_("The number, part of the name or the address, or the phone."),
    branch_field="branch",
    private_permission=PRIVACY_PERMISSION,
    link=lambda r: reverse("sales:application", kwargs={"pk": r.pk}),
    select_related=("branch", "agent", "tariff"),
)


# -- paid but not connected (2.2.1) --------------------------------------------------------------
# Applications with a payment taken and no connection after SlaPolicy.paid_not_connected_days;
# the memo to the head is rendered from the same rows (sales.views.paid_not_connected).
PAID_CLOSED = (Application.State.CONNECTED, Application.State.REJECTED, Application.State.CANCELLED)


def paid_not_connected(rows):
    """The rows with a payment taken and no connection, with the moment their wait began."""
    from django.db.models.functions import Coalesce

    rows = rows.filter(paid__gt=0).exclude(state__in=PAID_CLOSED)
    return rows.annotate(waiting_since=Coalesce("paid_at", "created_at"))


def paid_waiting(rows, days: int, now=None):
    """The rows paid at least `days` days ago (an application without the moment of payment
    counts from its registration)."""
    from datetime import timedelta

    before = (now or timezone.now()) - timedelta(days=days)
    return rows.filter(Q(paid_at__lte=before) | Q(paid_at=None, created_at__lte=before))


def days_waiting(application, today=None) -> int:
    since = application.paid_at or application.created_at
    zone = application.branch.tz
    return ((today or timezone.localdate(timezone=zone)) - timezone.localdate(since, zone)).days


class PaidNotConnectedFilter(django_filters.FilterSet):
    branch = django_filters.ModelChoiceFilter(label=_("Branch"), queryset=Branch.objects.all())
    state = checkboxes(
        _("State"), [c for c in Application.State.choices if c[0] not in PAID_CLOSED]
    )
    days = django_filters.NumberFilter(
        label=_("Waiting at least, days"),
        method="filter_days",
        min_value=0,
        max_value=3650,
        help_text=_("Empty: the SLA policy's days."),
    )

    class Meta:
        model = Application
        fields = []

    def filter_days(self, rows, name, value):
        return rows if value is None else paid_waiting(rows, int(value))

    def filter_queryset(self, queryset):
        rows = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("days") is None:
            from .services import sla_policy

            rows = paid_waiting(rows, sla_policy().paid_not_connected_days)
        return rows


PAID_NOT_CONNECTED = Registry(
    name="paid_not_connected",
    model=Application,
    title=_("Paid but not connected"),
    description=_(
        "Applications with a payment taken and no connection after the days of the SLA policy "
        "(2.2.1); the memo is made from the rows shown."
    ),
    permission="sales.view_application",
    filterset=PaidNotConnectedFilter,
    columns=[
        Column("number", _("Number"), link=True),
        Column("created_at", _("Date"), value=lambda r: timezone.localdate(r.created_at)),
        Column("branch", _("Branch"), value=lambda r: r.branch.name),
        Column("full_name", _("Name")),
        Column("phone", _("Phone"), mask=lambda r: mask_phone(r.phone)),
        Column("address", _("Address")),
        Column("flat", _("Flat"), mask=lambda r: "**" if r.flat else "", default=False),
        Column("paid", _("Payment taken")),
        Column("paid_at", _("Paid at"), default=False),
        Column("state", _("State"), value=choice_label(Application, "state")),
        Column("days", _("Days waiting"), value=days_waiting),
    ],
    sorts={
        "created_at": ("created_at",),
        "paid": ("paid",),
        "days": ("waiting_since",),  # ascending: the longest wait first
    },
    default_sort="days",
    search=_search,
    search_help=_("The number, part of the name or the address, or the phone."),
    branch_field="branch",
    private_permission=PRIVACY_PERMISSION,
    link=lambda r: reverse("sales:application", kwargs={"pk": r.pk}),
    select_related=("branch",),
    prepare=paid_not_connected,
)


# -- relocations (1.4) ---------------------------------------------------------------------------
from .models import Relocation  # noqa: E402 — this section's own model, kept with it


def _relocation_place(building, flat: str, fallback: str = "") -> str:
    place = f"{building.street.name}, {building.house}" if building is not None else fallback
    return f"{place}, {flat}" if flat else place


class RelocationFilter(django_filters.FilterSet):
    state = checkboxes(_("State"), Relocation.State.choices)
    branch = django_filters.ModelChoiceFilter(
        label=_("Branch"), field_name="subscriber__branch", queryset=Branch.objects.all()
    )
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Registered"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Relocation
        fields = []


def _relocation_search(rows, text: str, user):
    text = text.strip()
    return rows.filter(
        Q(subscriber__account=text)
        | Q(subscriber__full_name__icontains=text)
        | Q(address__icontains=text)
    )


RELOCATIONS = Registry(
    name="relocations",
    model=Relocation,
    title=_("Relocations"),
    description=_("Subscribers moving their service to a new address and where each stands."),
    permission="sales.view_relocation",
    filterset=RelocationFilter,
    columns=[
        Column("created_at", _("Registered"), link=True),
        Column("subscriber", _("Subscriber"), value=lambda r: str(r.subscriber)),
        Column("old", _("From"), value=lambda r: _relocation_place(r.old_building, r.old_flat)),
        Column("new", _("To"), value=lambda r: _relocation_place(r.building, r.flat, r.address)),
        Column("state", _("State"), value=choice_label(Relocation, "state")),
        Column("done_at", _("Done"), default=False),
    ],
    sorts={"created_at": ("created_at",)},
    default_sort="-created_at",
    search=_relocation_search,
    search_help=_("The account, part of the name or of the new address."),
    branch_field="subscriber__branch",
    link=lambda r: reverse("sales:relocation", kwargs={"pk": r.pk}),
    select_related=(
        "subscriber",
        "building__street",
        "old_building__street",
    ),
)
