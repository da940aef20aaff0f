"""Filters of the subscriber registry (core.registry)."""

from datetime import date

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Reverse
from django.utils.translation import gettext_lazy as _

from core.access import branches_of, scoped
from core.filtersets import ChoicesFilter, IdFilter, IdsFilter
from core.sql import AnyOf, text_contains

from . import addresses
from .importing.parse import MONEY_LIMIT, FieldError, phone_normalize
from .models import Building, City, ExtraAttribute, Status, Subscriber, Tariff, Technology

BUILDINGS_LISTED = 1_000  # see in_buildings


def user_branches(request):
    """The branches a filter may offer: the request's user's (a registry filter's choices)."""
    return branches_of(request.user) if request else branches_of(None)


def user_cities(request):
    """The cities of the user's branches."""
    cities = City.objects.order_by("name")
    return cities.filter(branch__in=user_branches(request)) if request else cities.none()


def months_ago(months: int, today: date | None = None) -> date:
    today = today or date.today()
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day)


class PaymentBehaviour(models.TextChoices):
    """Bands of months in debt (SubscriberMoney.debt_months, the last six months); see
    docs/segmentation.md."""

    ON_TIME = "on_time", _("Pays on time")
    SOMETIMES_LATE = "sometimes_late", _("Sometimes late (1–2 months in debt)")
    CHRONIC = "chronic", _("Chronic debtor (3 or more months in debt)")


PAYMENT_BANDS = {
    # Charged in the six months (an ARPU) and never in debt at a month's end.
    PaymentBehaviour.ON_TIME: Q(money__debt_months=0, money__arpu__isnull=False),
    PaymentBehaviour.SOMETIMES_LATE: Q(money__debt_months__gte=1, money__debt_months__lte=2),
    PaymentBehaviour.CHRONIC: Q(money__debt_months__gte=3),
}


class SubscriberFilter(django_filters.FilterSet):
    branch = IdsFilter(
        label=_("Branch"), queryset=user_branches, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    # The city column is kept with the building, so this walks (city, account).
    city = IdFilter(label=_("City"), field_name="city", queryset=user_cities)
    street = django_filters.CharFilter(
        label=_("Street"), field_name="building__street__name", lookup_expr="icontains"
    )
    house = django_filters.CharFilter(label=_("House"), field_name="building__house")
    status = ChoicesFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    tariff = IdsFilter(
        label=_("Tariff"),
        queryset=Tariff.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    technology = ChoicesFilter(label=_("Technology"), choices=Technology.choices)
    balance_from = django_filters.NumberFilter(
        label=_("Balance from"),
        field_name="money__reported_balance",
        lookup_expr="gte",
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
    )
    balance_to = django_filters.NumberFilter(
        label=_("Balance to"),
        field_name="money__reported_balance",
        lookup_expr="lte",
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
    )
    debtors = django_filters.BooleanFilter(
        label=_("Debtors only"), method="filter_debtors", widget=forms.CheckboxInput
    )
    arpu_from = django_filters.NumberFilter(
        label=_("ARPU from"),
        field_name="money__arpu",
        lookup_expr="gte",
        min_value=0,
        max_value=MONEY_LIMIT,
    )
    arpu_to = django_filters.NumberFilter(
        label=_("ARPU to"),
        field_name="money__arpu",
        lookup_expr="lte",
        min_value=0,
        max_value=MONEY_LIMIT,
    )
    payment = ChoicesFilter(
        label=_("Payment behaviour"),
        choices=PaymentBehaviour.choices,
        method="filter_payment",
        widget=forms.CheckboxSelectMultiple,
    )
    tenure_from = django_filters.NumberFilter(
        label=_("Tenure from, months"), method="filter_tenure_from", min_value=0, max_value=1200
    )
    tenure_to = django_filters.NumberFilter(
        label=_("Tenure to, months"), method="filter_tenure_to", min_value=0, max_value=1200
    )
    connected_from = django_filters.DateFilter(
        label=_("Connected from"),
        field_name="connected_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    connected_to = django_filters.DateFilter(
        label=_("Connected to"),
        field_name="connected_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    attribute = django_filters.ChoiceFilter(
        label=_("Extra attribute"), method="filter_attribute", choices=()
    )
    attribute_value = django_filters.CharFilter(label=_("its value"), method="filter_nothing")

    class Meta:
        model = Subscriber
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["attribute"].extra["choices"] = [
            (a.key, a.label or a.key) for a in ExtraAttribute.objects.order_by("key")
        ]

    def filter_debtors(self, rows, name, value):
        return rows.filter(money__reported_balance__lt=0) if value else rows

    def filter_payment(self, rows, name, values):
        if not values:
            return rows
        bands = Q()
        for value in values:
            bands |= PAYMENT_BANDS[value]
        return rows.filter(bands)

    def filter_tenure_from(self, rows, name, value):
        return rows.filter(connected_on__lte=months_ago(int(value)))

    def filter_tenure_to(self, rows, name, value):
        return rows.filter(connected_on__gt=months_ago(int(value) + 1))

    def filter_nothing(self, rows, name, value):
        return rows  # read by filter_attribute

    def filter_attribute(self, rows, name, key):
        value = (self.data.get("attribute_value") or "").strip()
        if not key:
            return rows
        if not value:
            return rows.filter(extra__has_key=key)
        kind = ExtraAttribute.objects.filter(key=key).values_list("value_type", flat=True).first()
        typed: object = value
        try:
            if kind == "int":
                typed = int(value)
            elif kind == "decimal":
                typed = float(value.replace(",", "."))
            elif kind == "bool":
                typed = value.lower() in ("1", "true", "yes", "да")
        except ValueError:
            return rows.none()
        return rows.filter(**{f"extra__{key}": typed})


def search_subscribers(rows, text: str, user=None):
    """An account, a phone in any form (+7 912 345-67-89, 89123456789, 9123456789, the last
    digits), a part of the name, a street, or an address (a street and a house, read as the
    coverage check reads it). Each form is answered from an index at a million subscribers
    (docs/benchmarks.md): the phones' last digits from an index of the reversed numbers, parts
    of names from a trigram index (PostgreSQL), streets by first finding their buildings."""
    digits = "".join(ch for ch in text if ch.isdigit())
    letters = any(ch.isalpha() for ch in text)
    if not letters and len(digits) >= 10:
        try:
            phone = phone_normalize(text)
        except FieldError:
            phone = None
        found = Q(account=text.strip())
        if phone:
            found |= Q(phone=phone) | Q(phone2=phone)
        return rows.filter(found)
    if not letters and digits:
        found = Q(account=text.strip()) | Q(account__startswith=digits)
        if len(digits) >= 4:
            rows = rows.alias(phone_reversed=Reverse("phone"), phone2_reversed=Reverse("phone2"))
            tail = digits[::-1]
            found |= Q(phone_reversed__startswith=tail) | Q(phone2_reversed__startswith=tail)
        return rows.filter(found)
    words = text.split()
    if len(words) >= 2 and any(ch.isdigit() for ch in words[-1]):
        return rows.filter(building__in=at_address(text, user))
    rows, by_name = text_contains(rows, "full_name", text)
    return rows.filter(in_buildings(text, user) | by_name)  # the cheaper check first


def _buildings(user) -> QuerySet:
    buildings = Building.objects.all()
    return scoped(buildings, user, "street__city__branch") if user is not None else buildings


def at_address(text: str, user=None) -> list[int]:
    """The buildings at an address typed any usual way ("ул. Ленина, 12", "Ленина 12к1",
    "Тверь, пр-т Мира 5, кв. 3"), read as the coverage check reads it (subscribers.addresses):
    those that answer it best."""
    try:
        address = addresses.parse(text)
    except addresses.AddressError:
        return []
    return [m.pk for m in addresses.best(addresses.matches(_buildings(user), address))]


def in_buildings(street: str, user=None) -> Q:
    """Subscribers of the buildings on streets whose name contains `street`, of the user's
    branches when the user is known. A few buildings are listed by id, so each is read by its
    index; many (every city's Lenin street) are left as a subquery, as their subscribers are
    everywhere anyway."""
    buildings, on_street = text_contains(_buildings(user), "street__name", street)
    buildings = buildings.filter(on_street)
    ids = list(buildings.values_list("pk", flat=True)[: BUILDINGS_LISTED + 1])
    if len(ids) <= BUILDINGS_LISTED:
        return Q(AnyOf("building", ids))
    return Q(building__in=buildings.values("pk"))
