"""The segment form: a name, what the segment is for, and the registry filter it keeps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import QUERY_LENGTH, Segment


class SegmentForm(forms.ModelForm):
    query = forms.CharField(
        label=_("Filter"),
        required=False,
        max_length=QUERY_LENGTH * 2,  # checked after cleaning (empty values dropped)
        help_text=_(
            "The subscriber registry's filter as a query string, e.g. "
            "status=active&technology=GPON. Easier: set the filters in the registry and press "
            "“Save as segment”."
        ),
        widget=forms.TextInput(attrs={"class": "font-monospace"}),
    )

    class Meta:
        model = Segment
        fields = ["name", "description", "query"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": _("What the segment is for: the campaign, call list or report."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        return services.name_clean(self.cleaned_data["name"], exclude=self.instance.pk)

    def clean_query(self):
        return services.query_clean(
            self.cleaned_data["query"] or "", self.user, exclude=self.instance.pk
        )

    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk:
            return services.segment_update(
                segment=self.instance,
                by=self.user,
                name=data["name"],
                query=data["query"],
                description=data["description"],
            )
        return services.segment_create(
            name=data["name"], query=data["query"], description=data["description"], by=self.user
        )
