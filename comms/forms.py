"""The message template form: its text checked by comms.services as it is saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm

from . import placeholders, services
from .models import CalendarDay, Campaign, ContactPolicy, MessageTemplate, Script

UPLOAD_LIMIT = 2 * 1024 * 1024
FIELDS = ["name", "channel", "purpose", "trigger", "subject", "body", "active"]


class MessageTemplateForm(ServiceModelForm):
    properties = tuple(FIELDS)

    class Meta:
        model = MessageTemplate
        fields = FIELDS
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "trigger": _("The event or the schedule that sends it, in words."),
            "subject": _("E-mail only."),
            "body": _("Placeholders in braces, e.g. {addressed}, {debt}, {due_date}."),
        }

    def check(self, fields, *, exclude):
        services.template_clean(fields, exclude=exclude)

    def create(self, *, by, **fields):
        return services.template_create(by=by, **fields)

    def update(self, instance, *, by, **fields):
        return services.template_update(template=instance, by=by, **fields)


class ContactPolicyForm(forms.ModelForm):
    class Meta:
        model = ContactPolicy
        fields = [
            "workday_from",
            "workday_to",
            "dayoff_from",
            "dayoff_to",
            "per_day",
            "per_week",
            "per_month",
            "respects_opt_out",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in ("workday_from", "workday_to", "dayoff_from", "dayoff_to")
        }
        help_texts = {
            "per_day": _("Empty: no limit. 0: none at all."),
            "per_week": _("In any 7 days running."),
            "per_month": _("In any 30 days running."),
        }

    def clean(self):
        data = super().clean()
        for start, end in (("workday_from", "workday_to"), ("dayoff_from", "dayoff_to")):
            if data.get(start) and data.get(end) and data[start] >= data[end]:
                self.add_error(end, _("The hours must end after they start."))
        day, week, month = (data.get(f) for f in ("per_day", "per_week", "per_month"))
        if day is not None and week is not None and week < day:
            self.add_error("per_week", _("Not fewer than a day allows."))
        if week is not None and month is not None and month < week:
            self.add_error("per_month", _("Not fewer than 7 days allow."))
        return data


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "working", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class CampaignForm(forms.ModelForm):
    """A campaign: its template, a segment or a list of accounts, the values the template
    asks of the sender ({offer}, {link}, …), when and how fast."""

    upload = forms.FileField(
        label=_("Or a file of them"),
        required=False,
        help_text=_("A text or CSV file: an account or a phone a line (UTF-8), up to 2 MB."),
    )
    values_text = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace"}),
        help_text=_("One a line, name=value: offer=200 Mbit/s for the price of 100"),
    )

    class Meta:
        model = Campaign
        fields = ["name", "template", "script", "segment", "accounts", "starts_at", "per_minute"]
        widgets = {
            "accounts": forms.Textarea(attrs={"rows": 3}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        help_texts = {
            "accounts": _(
                "Instead of a segment: accounts or phones, one a line or separated by commas."
            ),
            "starts_at": _("Empty: at launch."),
            "per_minute": _("Empty: as fast as the gateway takes them."),
            "template": _("An SMS or a letter to each recipient."),
            "script": _("Or a script: the recipients become a call list for the operators."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MessageTemplate.objects.filter(active=True)
        self.fields["script"].queryset = Script.objects.filter(
            active=True, versions__isnull=False
        ).distinct()
        if self.instance.pk and self.instance.values:
            self.initial["values_text"] = "\n".join(
                f"{k}={v}" for k, v in self.instance.values.items()
            )

    def clean_values_text(self):
        values = {}
        for line in self.cleaned_data["values_text"].splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not placeholders.NAME.match(name.strip()):
                raise ValidationError(_("Write each value as name=value."))
            values[name.strip()] = value.strip()
        return values

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return ""
        if upload.size > UPLOAD_LIMIT:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None

    def clean(self):
        data = super().clean()
        if data.get("upload"):
            data["accounts"] = "\n".join(filter(None, [data.get("accounts", ""), data["upload"]]))
        if bool(data.get("template")) == bool(data.get("script")):
            self.add_error("template", _("Choose a template or a script, one of them."))
        if not data.get("segment") and not (data.get("accounts") or "").strip():
            self.add_error("segment", _("Choose a segment or list the accounts."))
        template = data.get("template")
        if template is not None:
            given = data.get("values_text") or {}
            missing = [
                name
                for name in placeholders.names_in(template.body + template.subject)
                if name in placeholders.CALLER_GIVEN and name not in given
            ]
            if missing:
                self.add_error(
                    "values_text",
                    _("The template needs: %(names)s.")
                    % {"names": ", ".join("{" + n + "}" for n in missing)},
                )
        return data

    def save(self, commit=True):
        self.instance.values = self.cleaned_data["values_text"]
        self.instance.accounts = self.cleaned_data.get("accounts", "")
        return super().save(commit=commit)
