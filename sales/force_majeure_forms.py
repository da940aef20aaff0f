"""Forms of force majeure (3.2.3) and relocation (1.4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import branches_of, scoped
from subscribers.models import City, Street

from .models import Reason, ReasonKind, Team


class AffectedForm(forms.Form):
    """Which visits the force majeure takes out: a day of a branch, narrowed to a team or an
    area (a street or a city) when given."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, empty_label=None)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("Every team")
    )
    city = forms.ModelChoiceField(
        label=_("City"), queryset=None, required=False, empty_label=_("Every city")
    )
    street = forms.ModelChoiceField(
        label=_("Street"), queryset=None, required=False, empty_label=_("Every street")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_of(user)
        self.fields["team"].queryset = scoped(
            Team.objects.filter(active=True).select_related("branch"), user
        ).order_by("branch__name", "name")
        self.fields["city"].queryset = scoped(City.objects.all(), user).order_by("name")
        self.fields["street"].queryset = (
            scoped(Street.objects.all(), user, "city__branch")
            .select_related("city")
            .order_by("city__name", "name")
        )

    def clean(self):
        data = super().clean()
        branch = data.get("branch")
        if branch is not None:
            team, city, street = data.get("team"), data.get("city"), data.get("street")
            if team is not None and team.branch_id != branch.pk:
                self.add_error("team", _("This team works in another branch."))
            if city is not None and city.branch_id != branch.pk:
                self.add_error("city", _("This city is in another branch."))
            if street is not None and street.city.branch_id != branch.pk:
                self.add_error("street", _("This street is in another branch."))
        return data

    def criteria(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("branch", "day", "team", "city", "street")}


def reasons():
    return Reason.objects.filter(kind=ReasonKind.RESCHEDULED, active=True)


class RelocationForm(forms.Form):
    address = forms.CharField(
        label=_("New address"), max_length=250, help_text=_("As the subscriber says it.")
    )
    flat = forms.CharField(label=_("Flat"), max_length=20, required=False)
