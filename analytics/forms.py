"""The filter form of the analysis reports; the web page and the `report` command both use it."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Branch
from subscribers.models import Tariff, Technology

from .queries import ReportFilters
from .reports import Report, ReportParams

MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class MonthField(forms.Field):
    """A calendar month typed as YYYY-MM; cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    default_error_messages = {
        "invalid": _("Enter a month as YYYY-MM, for example 2025-06."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        match = MONTH_RE.match(str(value))
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class NameOrIdChoiceField(forms.ModelMultipleChoiceField):
    """Several objects picked by id (the page's select) or by name (the command line)."""

    default_error_messages = {
        "invalid_choice": _("%(value)s is not one of the available choices."),
    }

    def _check_values(self, value):
        values = [str(v).strip() for v in value]
        found = {}
        ids = [int(v) for v in values if v.isdigit()]
        for obj in self.queryset.filter(name__in=values):
            found[obj.name] = obj
        missing = [v for v in values if v not in found]
        if missing and ids:
            by_id = {str(obj.pk): obj for obj in self.queryset.filter(pk__in=ids)}
            for v in missing:
                if v in by_id:
                    found[v] = by_id[v]
        for v in values:
            if v not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": v},
                )
        return list(dict.fromkeys(found[v] for v in values))


class ReportFilterForm(forms.Form):
    """Branch, period (or the month of the base), technology, tariff; all optional.

    The parameter names are those of the page's URL: branch, from, to, at, technology, tariff,
    by_branch."""

    def __init__(self, data=None, *, report: Report, allowed_branches=None, **kwargs):
        """allowed_branches: ids of the branches the user sees (None: all)."""
        super().__init__(data, **kwargs)
        self.report = report
        self.allowed_branches = allowed_branches
        branches = Branch.objects.order_by("name")
        if allowed_branches is not None:
            branches = branches.filter(pk__in=allowed_branches)
        fields = {
            "branch": NameOrIdChoiceField(
                branches,
                label=_("Branch"),
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            ),
        }
        if report.uses_period:
            fields["from"] = MonthField(label=_("From month"), required=False)
            fields["to"] = MonthField(label=_("To month"), required=False)
        if report.uses_at:
            fields["at"] = MonthField(
                label=_("Month"),
                required=False,
                help_text=_("The base at the end of this month; the latest month by default."),
            )
        fields["technology"] = forms.MultipleChoiceField(
            label=_("Technology"),
            choices=Technology.choices,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
        )
        fields["tariff"] = NameOrIdChoiceField(
            Tariff.objects.order_by("name"),
            label=_("Tariff"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
        )
        if report.splits_by_branch:
            fields["by_branch"] = forms.BooleanField(label=_("Split by branch"), required=False)
        self.fields.update(fields)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The period ends before it starts."))
        return cleaned

    def params(self) -> ReportParams:
        """The cleaned form as the parameters of the report (call after is_valid())."""
        data = self.cleaned_data
        branches = tuple(b.pk for b in data.get("branch") or ())
        if not branches and self.allowed_branches is not None:
            # "All" is all of the user's branches; none at all matches nothing (-1).
            branches = tuple(sorted(self.allowed_branches)) or (-1,)
        filters = ReportFilters(
            branches=branches,
            month_from=data.get("from"),
            month_to=data.get("to"),
            technologies=tuple(data.get("technology") or ()),
            tariffs=tuple(t.pk for t in data.get("tariff") or ()),
        )
        return ReportParams(
            filters=filters, by_branch=bool(data.get("by_branch")), at=data.get("at")
        )
