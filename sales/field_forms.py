"""The field agent's form (1.1): an application taken at the door or at a promo stand on a
phone, in under a minute — contact, address, tariff, the payment taken."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.money import currency_name, default_currency
from subscribers.models import Tariff

from .models import Source
from .public_forms import TariffChoice, TouchForm, active_tariffs
from .services import phone_clean


class FieldForm(TouchForm):
    source = forms.ChoiceField(
        label=_("Where"),
        choices=[
            (Source.FIELD_AGENT, _("Door to door")),
            (Source.PROMO_STAND, _("Promo stand")),
        ],
        initial=Source.FIELD_AGENT,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address: street and house"),
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The building tapped among several that match the address (a candidate's pk).
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    flat = forms.CharField(
        label=_("Flat"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tariff = TariffChoice(
        label=_("Tariff"), queryset=Tariff.objects.none(), required=False, empty_label="—"
    )
    referral_code = forms.CharField(
        label=_("Friend's referral code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    paid = forms.DecimalField(
        label=_("Payment taken"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )

    def __init__(self, *args, currency: str | None = None, **kwargs):
        """`currency`: the agent's branch's (core.money.user_currency), for the fees and the
        payment taken."""
        super().__init__(*args, **kwargs)
        currency = currency or default_currency()
        self.fields["tariff"].queryset = active_tariffs()
        self.fields["tariff"].currency = currency
        self.fields["paid"].label = _("Payment taken, %(currency)s") % {
            "currency": currency_name(currency, translation.get_language())
        }
        self.fields["source"].widget.attrs["class"] = "btn-check"

    def clean_phone(self):
        try:
            return phone_clean(self.cleaned_data["phone"])
        except ValidationError as e:
            raise ValidationError(e.message_dict["phone"]) from None
