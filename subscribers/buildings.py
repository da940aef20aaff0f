"""Buildings: their figures (active subscribers, penetration, free ports), the buildings registry
(core.registry) with its filters and search, and what the building card shows.

Definitions (docs/buildings.md):
- active subscribers: subscribers of the building whose status is active;
- penetration: active subscribers ÷ flats, in per cent (none when the flats are unknown, 0);
- free ports: ports − subscribers occupying a port; an active or a suspended subscriber keeps
  their port, a terminated one has given it back; none when the building's ports are not
  counted (0: cable TV, wireless, or unknown). Negative means more subscribers than ports;
- covered: the building has a technology and its coverage date is not in the future (no date
  means a date unknown, covered)."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import scoped
from core.filtersets import ChoicesFilter, IdFilter, IdsFilter
from core.registry import Column, Registry

from . import addresses
from .filtersets import user_branches, user_cities
from .models import Building, Status, Street, Subscriber, Technology
from .privacy import mask_flat, mask_phone, may_see

# Statuses whose subscriber keeps a port of the building.
OCCUPYING = (Status.ACTIVE, Status.SUSPENDED)
# Sort keys must not be NULL (keyset pages compare them): what stands for "none" in a sort.
NO_PENETRATION = -1.0
NO_FREE_PORTS = -(10**9)
NO_COVERAGE_DATE = date(9999, 12, 31)  # last when ascending, as PostgreSQL puts NULLs


def covered_q(today: date | None = None) -> Q:
    """Buildings that are served today: a technology, and a coverage date not in the future."""
    today = today or timezone.localdate()
    return ~Q(technology="") & (Q(coverage_since__isnull=True) | Q(coverage_since__lte=today))


def is_covered(building: Building, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    since = building.coverage_since
    return bool(building.technology) and (since is None or since <= today)


def _count(*statuses: str):
    """The building's subscribers of these statuses: a correlated subquery, one per row."""
    # COUNT(*) without GROUP BY: always one row, and an index on (building, status) answers it
    # without reading the table.
    rows = (
        Subscriber.objects.filter(building=OuterRef("pk"), status__in=statuses)
        .order_by()
        .annotate(n=Func(Value(1), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


class HouseNumber(Func):
    """The leading number of a house ("12к1" → 12; none → 0), to sort houses as numbers."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS INTEGER)")

    def as_postgresql(self, compiler, connection, **extra):
        template = "COALESCE(CAST(substring(%(expressions)s from '^[0-9]{1,18}') AS bigint), 0)"
        return self.as_sql(compiler, connection, template=template)


def with_figures(rows: QuerySet) -> QuerySet:
    """Buildings with `active`, `suspended`, `occupying`, `penetration` (%), `free_ports` and
    the sort keys: a constant number of queries however many rows are read."""
    rows = rows.annotate(active=_count(Status.ACTIVE), suspended=_count(Status.SUSPENDED))
    rows = rows.annotate(
        occupying=F("active") + F("suspended"),
        penetration=Case(
            When(flats__gt=0, then=Cast("active", FloatField()) * 100.0 / F("flats")),
            default=None,
            output_field=FloatField(),
        ),
    )
    return rows.annotate(
        free_ports=Case(
            When(ports__gt=0, then=F("ports") - F("occupying")),
            default=None,
            output_field=IntegerField(),
        ),
        house_number=HouseNumber("house"),
        penetration_key=Coalesce("penetration", Value(NO_PENETRATION)),
        free_ports_key=Coalesce("free_ports", Value(NO_FREE_PORTS)),
        coverage_key=Coalesce("coverage_since", Value(NO_COVERAGE_DATE)),
    )


def address(building: Building) -> str:
    street = building.street
    return f"{street.city.name}, {street.name}, {building.house}"


def penetration(building: Building) -> float | None:
    """Per cent, to one decimal place."""
    value = getattr(building, "penetration", None)
    return None if value is None else round(value, 1)


# -- the registry ---------------------------------------------------------------------------


class BuildingFilter(django_filters.FilterSet):
    branch = IdsFilter(
        label=_("Branch"),
        field_name="street__city__branch",
        queryset=user_branches,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    city = IdFilter(label=_("City"), field_name="street__city", queryset=user_cities)
    street = django_filters.CharFilter(label=_("Street"), method="filter_street")
    technology = ChoicesFilter(label=_("Technology"), choices=Technology.choices)
    covered = django_filters.ChoiceFilter(
        label=_("Coverage"),
        choices=[("yes", _("Covered")), ("no", _("Not covered yet"))],
        empty_label=_("Any"),
        method="filter_covered",
    )
    free_ports = django_filters.BooleanFilter(
        label=_("With free ports"), method="filter_free_ports", widget=forms.CheckboxInput
    )
    penetration_from = django_filters.NumberFilter(
        label=_("Penetration from, %"),
        field_name="penetration",
        lookup_expr="gte",
        min_value=0,
        max_value=1000,
    )
    penetration_to = django_filters.NumberFilter(
        label=_("Penetration to, %"),
        field_name="penetration",
        lookup_expr="lte",
        min_value=0,
        max_value=1000,
    )

    class Meta:
        model = Building
        fields = []

    def filter_street(self, rows, name, value):
        return _on_streets(rows, value) if value.strip() else rows

    def filter_covered(self, rows, name, value):
        if value == "yes":
            return rows.filter(covered_q())
        return rows.exclude(covered_q()) if value == "no" else rows

    def filter_free_ports(self, rows, name, value):
        return rows.filter(free_ports__gt=0) if value else rows


def _on_streets(rows: QuerySet, text: str) -> QuerySet:
    streets = Street.objects.filter(pk__in=rows.order_by().values("street_id"))
    return rows.filter(
        street_id__in=addresses.streets_matching(streets.values_list("pk", "name"), text)
    )


def search_buildings(rows: QuerySet, text: str, user=None) -> QuerySet:
    """Buildings by a street and house in any usual form ("ул. Ленина, 12", "Мира 5к1"), by a
    part of a street's name, or by a house number alone."""
    try:
        address = addresses.parse(text)
    except addresses.AddressError:
        address = None
    if address is not None:
        found = addresses.matches(rows, address)
        return rows.filter(pk__in=[m.pk for m in found if m.score[0] == 2])
    house = addresses.house_alone(text)
    if house is not None:
        return rows.filter(pk__in=addresses.houses(rows, house))
    return _on_streets(rows, text)


BUILDINGS = Registry(
    name="buildings",
    model=Building,
    title=_("Buildings"),
    description=_(
        "Buildings of your branches: coverage, flats and ports, and how many of them are ours."
    ),
    permission="subscribers.view_building",
    filterset=BuildingFilter,
    columns=[
        Column("address", _("Address"), value=address, link=True),
        Column("branch", _("Branch"), value=lambda b: b.street.city.branch.name),
        Column("technology", _("Technology"), value=lambda b: b.get_technology_display() or None),
        Column("flats", _("Flats")),
        Column("ports", _("Ports")),
        Column("coverage_since", _("Covered since")),
        Column("active", _("Active subscribers")),
        Column("penetration", _("Penetration, %"), value=penetration),
        Column("free_ports", _("Free ports")),
        Column("suspended", _("Suspended"), default=False),
    ],
    sorts={
        "address": ("street__city__name", "street__name", "house_number", "house"),
        "flats": ("flats",),
        "active": ("active",),
        "penetration": ("penetration_key",),
        "free_ports": ("free_ports_key",),
        "coverage_since": ("coverage_key",),
    },
    sort_labels={
        "address": _("Address"),
        "flats": _("Flats"),
        "active": _("Active subscribers"),
        "penetration": _("Penetration"),
        "free_ports": _("Free ports"),
        "coverage_since": _("Covered since"),
    },
    default_sort="address",
    search=search_buildings,
    search_help=_('Street and house in any usual form ("Lenina 12", "Mira 5k1"), or a street.'),
    branch_field="street__city__branch",
    link=lambda b: reverse("subscribers:building", kwargs={"pk": b.pk}),
    select_related=("street__city__branch",),
    prepare=with_figures,
)


# -- the card -------------------------------------------------------------------------------


@dataclass
class Resident:
    """A subscriber row of the building card, personal data as the user may see it."""

    pk: int
    account: str
    full_name: str
    flat: str
    phone: str
    phone_link: str  # for a tel: link, when the phone is shown unmasked
    status: str
    status_label: str
    balance: Decimal


def _flat_key(flat: str) -> tuple:
    """Flats in their natural order: 1, 2, 10, 10а, then what has no number, then none."""
    match = re.match(r"\s*(\d+)(.*)", flat or "")
    if match:
        return (0, int(match.group(1)), match.group(2).strip().lower())
    return (1 if flat else 2, 0, (flat or "").lower())


def residents(building: Building, user) -> list[Resident]:
    """The subscribers of the building that the user may see, by flat; phones and flats
    masked for a role without the right to personal data, as in the subscriber registry."""
    shown = may_see(user)
    rows = scoped(Subscriber.objects.filter(building=building), user, "branch").values_list(
        "pk", "account", "full_name", "flat", "phone", "status", "money__reported_balance"
    )
    labels = dict(Status.choices)
    out = sorted(rows, key=lambda r: (_flat_key(r[3]), r[1]))
    return [
        Resident(
            pk=pk,
            account=account,
            full_name=name,
            flat=flat if shown else mask_flat(flat),
            phone=phone if shown else mask_phone(phone),
            phone_link=phone if shown else "",
            status=status,
            status_label=str(labels.get(status, status)),
            balance=balance,
        )
        for pk, account, name, flat, phone, status, balance in out
    ]


@dataclass
class StatusBar:
    """One part of the building's bar: flats with active, suspended or no service."""

    code: str
    label: str
    count: int
    percent: float


def status_counts(building: Building, user) -> dict:
    """Subscribers of the building by status (one query), and the bar of its flats: active,
    suspended, without our service."""
    counts = dict(
        scoped(Subscriber.objects.filter(building=building), user, "branch")
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    by_status = [(code, str(label), counts.get(code, 0)) for code, label in Status.choices]
    bar = []
    if building.flats:
        active, suspended = counts.get(Status.ACTIVE, 0), counts.get(Status.SUSPENDED, 0)
        rest = max(building.flats - active - suspended, 0)
        total = max(building.flats, active + suspended)
        for code, label, n in (
            (Status.ACTIVE, _("Active subscribers"), active),
            (Status.SUSPENDED, _("Suspended subscribers"), suspended),
            ("none", _("Flats without our service"), rest),
        ):
            if n:
                bar.append(StatusBar(code, str(label), n, round(100 * n / total, 1)))
    return {"by_status": by_status, "bar": bar, "terminated": counts.get(Status.TERMINATED, 0)}


def registry_query(building: Building) -> str:
    """The subscriber registry's filter for this building's subscribers."""
    from urllib.parse import urlencode

    street = building.street
    return urlencode({"city": street.city_id, "street": street.name, "house": building.house})
