"""Reads of segments: the filter in words."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _

from subscribers.filtersets import SubscriberFilter
from subscribers.models import Subscriber

from .models import Segment


def _words(field: forms.Field, value) -> str:
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        return {str(k): str(v) for k, v in field.choices}.get(str(value), str(value))
    if isinstance(field, (forms.BooleanField, forms.NullBooleanField)):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value)
    return str(value)


def describe(query: str, user) -> list[tuple[str, str, bool]]:
    """The filter as (label, value in words, valid) rows in the active language; a value the
    user may not use (another branch's) or no longer valid is shown as such, not dropped."""
    data = QueryDict(query)
    filterset = SubscriberFilter(
        data, queryset=Subscriber.objects.none(), request=SimpleNamespace(user=user)
    )
    form = filterset.form
    form.is_valid()
    rows = []
    if "segment" in data:
        value = data.get("segment", "")
        named = Segment.objects.filter(pk=int(value)).first() if value.isdigit() else None
        rows.append((_("Segment"), named.name if named else value, named is not None))
    text = data.get("q", "").strip()
    if text:
        rows.append((_("Search"), f"«{text}»", True))
    for name, field in form.fields.items():
        if name not in data:
            continue
        label = str(field.label)
        if name in form.errors:
            rows.append((label, " ".join(str(e) for e in form.errors[name]), False))
            continue
        value = form.cleaned_data.get(name)
        words = "" if value in (None, "", [], ()) else _words(field, value)
        if words:
            rows.append((label, words, True))
    return rows
