"""The forms of the TV line-up page: a channel, and a line-up file to import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm

from ..models import TvChannel
from .channels import channel_clean, channel_save

FIELDS = ["name", "package", "paid", "number", "active"]


class TvChannelForm(ServiceModelForm):
    properties = tuple(FIELDS)

    class Meta:
        model = TvChannel
        fields = FIELDS
        help_texts = {
            "package": _("E.g. Basic, Films, Kids; a paid package's channels are listed with it."),
            "number": _("Its place in the line-up; the survey lists channels in this order."),
            "active": _("A channel off air leaves the survey's questions; its answers stay."),
        }

    def check(self, fields, *, exclude):
        channel_clean(
            name=fields["name"], package=fields["package"], number=fields["number"], exclude=exclude
        )

    def create(self, *, by, **fields):
        return channel_save(by=by, **fields)

    def update(self, instance, *, by, **fields):
        return channel_save(channel=instance, by=by, **fields)


class LineupImportForm(forms.Form):
    file = forms.FileField(
        label=_("Line-up file"),
        help_text=_(
            "CSV (UTF-8) or XLSX, a channel a line; the first line names the columns: name, "
            "package, paid (yes or no), number."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or an .xlsx file."))
        return upload
