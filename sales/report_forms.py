"""Forms of the daily sales report, the plans and the report's recipients."""

from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import branches_of

from .models import Channel, ReportRecipient, Source

MOST_DAYS = 92  # a quarter: the report is of days, not of years


class DailySalesForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=None, required=False)

    def __init__(self, data=None, *, user, **kwargs):
        if data is not None and not (data.get("date_from") or data.get("date_to")):
            data = data.copy()  # the pickers show the day the report is of: yesterday
            yesterday = timezone.localdate() - timedelta(days=1)
            data["date_from"] = data["date_to"] = yesterday.isoformat()
        super().__init__(data, **kwargs)
        self.fields["branch"].queryset = branches_of(user)
        self.fields["branch"].empty_label = _("All branches")
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["source"].choices = [("", _("All sources")), *Source.choices]
        agents = (
            get_user_model()
            .objects.filter(groups__name="sales_agent")
            .order_by("last_name", "first_name", "username")
        )
        self.fields["agent"].queryset = agents
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["agent"].empty_label = _("All agents")

    def clean(self):
        data = super().clean()
        yesterday = timezone.localdate() - timedelta(days=1)
        first = data.get("date_from") or data.get("date_to") or yesterday
        last = data.get("date_to") or data.get("date_from") or yesterday
        if first > last:
            self.add_error("date_to", _("The end comes before the start."))
        elif (last - first).days >= MOST_DAYS:
            self.add_error("date_to", _("Choose at most %(days)s days.") % {"days": MOST_DAYS})
        data["date_from"], data["date_to"] = first, last
        return data


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self) -> date:
        month = self.cleaned_data.get("month") or timezone.localdate()
        return month.replace(day=1)


class RecipientForm(forms.ModelForm):
    class Meta:
        model = ReportRecipient
        fields = ["email", "branch"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_of(user)
        self.fields["branch"].empty_label = _("Every branch")
        self.fields["branch"].required = False

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
