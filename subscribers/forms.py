"""Forms of the subscriber block: the billing-import upload and the billing sources."""

import zoneinfo
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

from django import forms
from django.utils.text import format_lazy, get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import style_widgets
from core.models import Branch

from .importing.readers import KINDS
from .models import BillingSource, ImportMapping

IMPORT_EXTENSIONS = (".csv", ".xlsx")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        # Empty files get our own message naming the file, below.
        allow_empty_file=True,
        error_messages={"required": _("Choose at least one file to import.")},
        help_text=_(
            "CSV or XLSX. The start of a file's name tells what it holds: subscribers…, "
            "charges…, payments…, buildings…, branches…"
        ),
        widget=MultipleFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )
    mapping = forms.ModelChoiceField(
        label=_("Column mapping"),
        queryset=ImportMapping.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Canonical format (no mapping)"),
        help_text=_("How your billing system's export is turned into the canonical format."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    source = forms.ModelChoiceField(
        label=_("Billing source"),
        queryset=BillingSource.objects.filter(kind=BillingSource.Kind.UPLOAD),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "The web-upload source whose day's data these files are (its mapping, if none "
            "is chosen above)."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        problems = []
        seen = set()
        for upload in files:
            name = PurePath(upload.name).name
            if PurePath(name).suffix.lower() not in IMPORT_EXTENSIONS:
                problems.append(
                    forms.ValidationError(
                        _("“%(name)s” is neither a CSV nor an XLSX file."),
                        code="extension",
                        params={"name": name},
                    )
                )
            elif not upload.size:
                problems.append(
                    forms.ValidationError(
                        _("“%(name)s” is empty."), code="empty", params={"name": name}
                    )
                )
            elif safe_name(name).lower() in seen:
                problems.append(
                    forms.ValidationError(
                        _("“%(name)s” is chosen twice."), code="duplicate", params={"name": name}
                    )
                )
            seen.add(safe_name(name).lower())
        if problems:
            raise forms.ValidationError(problems)
        return files


def safe_name(name: str) -> str:
    """The name a file is saved under: no directories, only safe characters, kind prefix kept."""
    return get_valid_filename(PurePath(name).name)


SCHEMES = ("postgres", "postgresql", "mysql", "mariadb")
KIND_NAMES = {
    "branches": pgettext_lazy("file kind", "branches"),
    "buildings": pgettext_lazy("file kind", "buildings"),
    "subscribers": pgettext_lazy("file kind", "subscribers"),
    "charges": pgettext_lazy("file kind", "charges"),
    "payments": pgettext_lazy("file kind", "payments"),
}


class BillingSourceForm(forms.ModelForm):
    """A billing source: where its files come from, how they are read, when it runs. The SQL
    source's queries are one field per file kind; its password is never shown back."""

    class Meta:
        model = BillingSource
        fields = [
            "name",
            "kind",
            "mapping",
            "folder",
            "url",
            "password",
            "enabled",
            "run_at",
            "time_zone",
            "notify_email",
        ]
        widgets = {
            "password": forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
            "run_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "kind": forms.RadioSelect,
        }
        help_texts = {
            "folder": _("A folder on this server where the billing's cron drops its export files."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            self.fields[f"query_{kind}"] = forms.CharField(
                label=format_lazy(_("Query: {kind}"), kind=KIND_NAMES[kind]),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                initial=(self.instance.queries or {}).get(kind, ""),
            )
        zones = sorted(
            {b.time_zone for b in Branch.objects.all()}
            | {self.initial.get("time_zone") or self.instance.time_zone}
        )
        self.fields["time_zone"].widget = forms.Select(choices=[(z, z) for z in zones])
        if not self.instance.pk and zones:
            first = Branch.objects.order_by("pk").values_list("time_zone", flat=True).first()
            self.initial.setdefault("time_zone", first or self.instance.time_zone)
        self.fields["password"].help_text = (
            _("Stored; leave empty to keep the one saved.")
            if self.instance.pk and self.instance.password
            else ""
        )
        self.fields["kind"].choices = BillingSource.Kind.choices  # no empty choice
        self.fields["mapping"].empty_label = _("Canonical format (no mapping)")
        style_widgets(self)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"]
        if zone not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone."), code="zone")
        return zone

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url:
            return url
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname or not parts.path.strip("/"):
            raise forms.ValidationError(
                _(
                    "Write it as mysql://user@host:3306/database or postgres://user@host:5432/database."
                ),
                code="url",
            )
        if parts.password:  # kept apart from the URL
            self._url_password = unquote(parts.password)
            url = url.replace(f":{parts.password}@", "@", 1)
        return url

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == BillingSource.Kind.FOLDER:
            folder = (data.get("folder") or "").strip()
            if not folder:
                self.add_error("folder", _("A watched folder needs its folder."))
            elif not Path(folder).is_absolute():
                self.add_error("folder", _("Give the full path of the folder, from /."))
            elif not Path(folder).is_dir():
                self.add_error(
                    "folder", _("There is no such folder on this server (or it cannot be read).")
                )
            data["folder"] = folder
        if kind == BillingSource.Kind.SQL:
            if not data.get("url") and "url" not in self.errors:
                self.add_error("url", _("A billing database source needs its connection URL."))
            if not any((data.get(f"query_{k}") or "").strip() for k in KINDS):
                self.add_error(
                    "query_subscribers",
                    _("Write at least one query: subscribers, charges or payments."),
                )
        return data

    def save(self, commit: bool = True) -> BillingSource:
        source = super().save(commit=False)
        typed = self.cleaned_data.get("password") or getattr(self, "_url_password", "")
        if typed:
            source.password = typed
        elif self.instance.pk:
            source.password = (
                BillingSource.objects.filter(pk=self.instance.pk)
                .values_list("password", flat=True)
                .first()
                or ""
            )
        source.queries = {
            k: self.cleaned_data[f"query_{k}"].strip()
            for k in KINDS
            if (self.cleaned_data.get(f"query_{k}") or "").strip()
        }
        if source.kind != BillingSource.Kind.FOLDER:
            source.folder = ""
        if source.kind != BillingSource.Kind.SQL:
            source.url, source.password, source.queries = "", "", {}
        if commit:
            source.save()
        return source
