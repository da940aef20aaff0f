"""Forms of the coordination block's settings: the SLA clocks, the refer-a-friend rules and the
lists of reasons."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import style_widgets

from .models import Reason, ReasonKind, ReferralProgramme, SlaPolicy


class SlaPolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "first_contact_minutes",
            "install_days",
            "workday_from",
            "workday_to",
            "paid_not_connected_days",
        ]
        widgets = {
            "workday_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "workday_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_contact_minutes", "install_days", "paid_not_connected_days"):
            self.fields[name].widget.attrs["min"] = 1
            self.fields[name].validators.append(MinValueValidator(1))
        style_widgets(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("workday_from"), data.get("workday_to")
        if start and end and end <= start:
            self.add_error("workday_to", _("The working day must end after it starts."))
        return data


class ReferralProgrammeForm(forms.ModelForm):
    class Meta:
        model = ReferralProgramme
        fields = ["active", "referrer_reward", "friend_bonus", "conditions"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer_reward"].min_value = 0
        self.fields["referrer_reward"].widget.attrs["min"] = 0
        style_widgets(self)

    def clean_referrer_reward(self):
        value = self.cleaned_data["referrer_reward"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The reward cannot be negative."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("active") and not (data.get("friend_bonus") or "").strip():
            self.add_error(
                "friend_bonus", _("Say what the friend gets: the script reads it to callers.")
            )
        return data


class ReasonForm(forms.ModelForm):
    class Meta:
        model = Reason
        fields = ["kind", "name", "order", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReasonKind.choices
        if self.instance.pk:
            self.fields["kind"].disabled = True  # steps taken keep their reason's kind
        else:
            del self.fields["active"]  # a new reason is in use
        style_widgets(self)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the reason a name."))
        return name

    def clean(self):
        data = super().clean()
        kind, name = data.get("kind") or self.instance.kind, data.get("name")
        if kind and name:
            # Compared in Python: SQLite folds the case of Latin letters only (a list is short).
            others = Reason.objects.filter(kind=kind).exclude(pk=self.instance.pk)
            if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
                self.add_error("name", _("This list already has a reason with this name."))
        return data
