"""Forms of the subscriber block: the billing-import upload."""

from pathlib import PurePath

from django import forms
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from .models import ImportMapping

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
