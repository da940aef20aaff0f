"""The card's form for giving or withdrawing a subscriber's consent to advertising."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Consent

# How a consent comes in on the card; the billing import's own source is not chosen by hand.
CARD_SOURCES = [(v, label) for v, label in Consent.Source.choices if v != Consent.Source.BILLING]


class ConsentForm(forms.Form):
    action = forms.ChoiceField(choices=[("give", _("Give")), ("withdraw", _("Withdraw"))])
    channel = forms.ChoiceField(label=_("channel"), choices=Consent.Channel.choices)
    source = forms.ChoiceField(label=_("how"), choices=CARD_SOURCES, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "give" and not data.get("source"):
            self.add_error("source", _("Say how the subscriber gave the consent."))
        return data
