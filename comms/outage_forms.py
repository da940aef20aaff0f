"""The form that enters an outage or planned works: where (buildings typed as addresses, or
whole streets), when, what."""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import branches_of
from core.forms import style_widgets
from subscribers.models import Street

from .models import Outage
from .outages import buildings_from_lines

LOCAL = "%Y-%m-%dT%H:%M"


class OutageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Outage.Kind.choices)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    title = forms.CharField(label=_("What"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts (branch time)"),
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=_("Expected end (branch time)"),
        required=False,
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    buildings_text = forms.CharField(
        label=_("Buildings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("ул. Ленина, 12")}),
        help_text=_("One address a line."),
    )
    streets = forms.ModelMultipleChoiceField(
        label=_("Whole streets"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = branches_of(user)
        self.fields["branch"].queryset = branches
        self.fields["streets"].queryset = (
            Street.objects.filter(city__branch__in=branches)
            .select_related("city")
            .order_by("city__name", "name")
        )
        self.fields["streets"].label_from_instance = lambda s: f"{s.city.name}, {s.name}"
        style_widgets(self)

    def clean(self):
        data = super().clean()
        branch = data.get("branch")
        if branch is None:
            return data
        zone = zoneinfo.ZoneInfo(branch.time_zone)
        for name in ("starts_at", "ends_at"):
            if data.get(name) is not None:  # typed in the branch's time, not the server's
                data[name] = timezone.make_aware(data[name].replace(tzinfo=None), zone)
        try:
            data["buildings"] = buildings_from_lines(
                branch=branch, text=data.get("buildings_text", "")
            )
        except ValidationError as e:
            self.add_error("buildings_text", e)
            data["buildings"] = []
        streets = data.get("streets") or []
        if any(s.city.branch_id != branch.pk for s in streets):
            self.add_error("streets", _("Choose streets of the outage's branch."))
        if not self.errors and not data["buildings"] and not streets:
            raise ValidationError(_("Choose the buildings or the streets affected."))
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must come after the start."))
        return data
