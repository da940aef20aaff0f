"""Filters of the subscriber registry (core.registry)."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import branches_of
from core.filtersets import IdFilter, IdsFilter

from .importing.parse import MONEY_LIMIT, FieldError, phone_normalize
from .models import City, ExtraAttribute, Status, Subscriber, Tariff, Technology


def _branches(request):
    return branches_of(request.user) if request else branches_of(None)


def _cities(request):
    cities = City.objects.order_by("name")
    return cities.filter(branch__in=_branches(request)) if request else cities.none()


def months_ago(months: int, today: date | None = None) -> date:
    today = today or date.today()
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day)


class SubscriberFilter(django_filters.FilterSet):
    branch = IdsFilter(
        label=_("Branch"), queryset=_branches, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    city = IdFilter(label=_("City"), field_name="building__street__city", queryset=_cities)
    street = django_filters.CharFilter(
        label=_("Street"), field_name="building__street__name", lookup_expr="icontains"
    )
    house = django_filters.CharFilter(label=_("House"), field_name="building__house")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    tariff = IdsFilter(
        label=_("Tariff"),
        queryset=Tariff.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    technology = django_filters.MultipleChoiceFilter(
        label=_("Technology"), choices=Technology.choices
    )
    balance_from = django_filters.NumberFilter(
        label=_("Balance from"),
        field_name="reported_balance",
        lookup_expr="gte",
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
    )
    balance_to = django_filters.NumberFilter(
        label=_("Balance to"),
        field_name="reported_balance",
        lookup_expr="lte",
        min_value=-MONEY_LIMIT,
        max_value=MONEY_LIMIT,
    )
    debtors = django_filters.BooleanFilter(
        label=_("Debtors only"), method="filter_debtors", widget=forms.CheckboxInput
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
        return rows.filter(reported_balance__lt=0) if value else rows

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


def search_subscribers(rows, text: str):
    """An account, a phone in any form (+7 912 345-67-89, 89123456789, 9123456789, the last
    digits), a part of the name, or an address (street and house)."""
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
            found |= Q(phone__endswith=digits) | Q(phone2__endswith=digits)
        return rows.filter(found)
    words = text.split()
    if len(words) >= 2 and any(ch.isdigit() for ch in words[-1]):
        street, house = " ".join(words[:-1]), words[-1]
        return rows.filter(building__street__name__icontains=street, building__house=house)
    return rows.filter(Q(full_name__icontains=text) | Q(building__street__name__icontains=text))
