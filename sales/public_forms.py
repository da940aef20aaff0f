"""The public application form of the operator's site (1.2): the prospect's contact and
address, a honeypot and a signed stamp of when the form was shown (spam protection)."""

import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.money import default_currency, money_text
from subscribers.models import Tariff

from .services import phone_clean

STAMP_SALT = "sales.apply.stamp"
# Faster than this after the page was shown: a script, not a person typing.
MIN_SECONDS = 2
# The stamp of a form left open longer than this is refused with a request to send it again.
MAX_SECONDS = 24 * 60 * 60


def active_tariffs():
    """The tariffs on sale today: their period (either end open) contains today."""
    today = timezone.localdate()
    return Tariff.objects.filter(
        Q(active_from__isnull=True) | Q(active_from__lte=today),
        Q(active_to__isnull=True) | Q(active_to__gte=today),
    ).order_by("monthly_fee", "name")


def stamp_make() -> str:
    return signing.dumps(time.time(), salt=STAMP_SALT, compress=True)


def stamp_state(value: str) -> str:
    """ "ok"; "fast" (sent sooner than a person can); "stale" (the page was open more than a
    day); "bad" (missing or not signed by us)."""
    try:
        made = signing.loads(value, salt=STAMP_SALT, max_age=MAX_SECONDS)
    except signing.SignatureExpired:
        return "stale"
    except (signing.BadSignature, TypeError, ValueError):
        return "bad"
    return "fast" if time.time() - float(made) < MIN_SECONDS else "ok"


class TariffChoice(forms.ModelChoiceField):
    currency = None  # the form's: the branch's that it is filled in for, else the default

    def label_from_instance(self, tariff):
        return _("%(name)s — %(fee)s a month") % {
            "name": tariff.name,
            "fee": money_text(
                tariff.monthly_fee, self.currency, translation.get_language(), grouping=True
            ),
        }


class TouchForm(forms.Form):
    """Large Bootstrap inputs for a phone's thumb, marked invalid where an error is added (by
    the form's own cleaning or by the view from a service)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-lg")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not widget.is_hidden and isinstance(widget, forms.widgets.Input):
                widget.attrs.setdefault("class", "form-control form-control-lg")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ApplyForm(TouchForm):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name.")},
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel",
                   "placeholder": "+7 900 000-00-00"}
        ),
        error_messages={"required": _("Give a phone number to call you back.")},
    )  # fmt: skip
    address = forms.CharField(
        label=_("Address: street and house"),
        max_length=250,
        widget=forms.TextInput(
            attrs={"autocomplete": "street-address", "placeholder": _("Lenina st., 12")}
        ),
        error_messages={"required": _("Give the address to connect.")},
    )
    flat = forms.CharField(
        label=_("Flat"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    # The building chosen when the address matched several (one of the candidates' pk).
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tariff = TariffChoice(
        label=_("Tariff you would like"),
        queryset=Tariff.objects.none(),
        required=False,
        empty_label=_("Not decided yet"),
    )
    referral_code = forms.CharField(
        label=_("A friend's referral code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to handle this application."),
        error_messages={"required": _("We need your consent to handle the application.")},
    )
    # Hidden from people (off-screen, no tab stop, no autofill); robots fill every field.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, currency: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs["class"] = ""
        self.fields["tariff"].queryset = active_tariffs()
        # The operator's site has no branch: the fees in the default currency.
        self.fields["tariff"].currency = currency or default_currency()
        if not self.is_bound:
            self.initial["stamp"] = stamp_make()

    def clean_phone(self):
        try:
            return phone_clean(self.cleaned_data["phone"])
        except ValidationError as e:
            raise ValidationError(e.message_dict["phone"]) from None

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_address(self):
        return " ".join(self.cleaned_data["address"].split())

    @property
    def is_bot(self) -> bool:
        """Filled the honeypot, or sent without our stamp or faster than a person can."""
        return bool(self.data.get("website")) or stamp_state(self.data.get("stamp", "")) in (
            "bad",
            "fast",
        )

    @property
    def is_stale(self) -> bool:
        return stamp_state(self.data.get("stamp", "")) == "stale"
