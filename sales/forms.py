"""Forms of the coordination block: an application as the coordinator registers it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.access import branches_of
from core.forms import style_widgets
from subscribers import coverage
from subscribers.models import Tariff

from .models import Application, Source


class ApplicationForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    full_name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"), max_length=250, help_text=_("Street and house, as the person says.")
    )
    flat = forms.CharField(label=_("Flat"), max_length=20, required=False)
    tariff = forms.ModelChoiceField(
        label=_("Wished tariff"), queryset=Tariff.objects.order_by("name"), required=False
    )
    agent = forms.ModelChoiceField(
        label=_("Agent to credit"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    paid = forms.DecimalField(
        label=_("Payment taken"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    referral_code = forms.CharField(
        label=_("Friend's referral code"),
        max_length=20,
        required=False,
        help_text=_("The code of the subscriber who recommended us, if there is one."),
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=None,
        required=False,
        help_text=_("Only for an address no building of the base matches."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Chosen among the candidates when several buildings match the address.
    building = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    duplicate_of = forms.ModelChoiceField(
        queryset=Application.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_of(user)
        self.fields["building"].queryset = coverage.visible_buildings(user)
        style_widgets(self)
