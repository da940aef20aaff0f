"""The form of an event message's setting in a branch (the page Event messages)."""

from django import forms
from django.utils.translation import gettext_lazy as _

VALUE_LABELS = {"offer": _("offer")}  # the values a trigger asks for, as the form names them


class TriggerSettingForm(forms.Form):
    enabled = forms.BooleanField(label=_("on"), required=False)

    def __init__(self, *args, trigger, **kwargs):
        super().__init__(*args, **kwargs)
        self.trigger = trigger
        if trigger.days_label:
            self.fields["days"] = forms.IntegerField(
                label=trigger.days_label, min_value=0, max_value=365
            )
        for name in trigger.values:
            self.fields[name] = forms.CharField(
                label=VALUE_LABELS.get(name, name),
                max_length=120,
                required=False,
                help_text=_("Required when the message is on."),
            )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.trigger.values}
