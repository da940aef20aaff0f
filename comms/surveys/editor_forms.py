"""The forms of the survey editor: a survey's properties, a question, and its options or grid
lines as rows of code and label (a code left empty is made from the label). The rules are the
services' (comms.surveys.editing); a form only carries the values and shows the errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm, add_errors

from ..models import Question, Survey
from . import editing

ITEM_ROWS = 3  # empty rows offered below the options or lines


class SurveyForm(ServiceModelForm):
    properties = tuple(editing.PROPERTIES)

    class Meta:
        model = Survey
        fields = list(editing.PROPERTIES)
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 2}),
            "thanks": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "intro": _("Shown above the questions on the subscriber's page."),
            "thanks": _("Shown once the answers are sent."),
            "template": _(
                "The SMS with the personal link; an SMS template for surveys with {link}."
            ),
            "active": _("An inactive survey takes no answers; its links say it is closed."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = editing.invitation_templates()
        self.fields["template"].empty_label = _("— none —")
        self.fields["valid_days"].min_value = 1
        self.fields["valid_days"].max_value = editing.DAYS_MAX

    def check(self, fields, *, exclude):
        editing.survey_clean(fields, exclude=exclude)

    def create(self, *, by, **fields):
        return editing.survey_create(by=by, **fields)

    def update(self, instance, *, by, **fields):
        return editing.survey_update(survey=instance, by=by, **fields)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    help = forms.CharField(
        label=_("Hint"),
        max_length=300,
        required=False,
        help_text=_("Under the question, e.g. what 0 and 10 mean."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    nps = forms.BooleanField(
        label=_("This is the NPS question (likelihood to recommend)"),
        required=False,
        help_text=_("One per survey, a 0–10 scale: the reports count NPS from it."),
    )
    scale_min = forms.IntegerField(label=_("Ratings from"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("to"), initial=5, required=False)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class ItemForm(forms.Form):
    """An option of a choice question, or a line of a grid."""

    code = forms.CharField(label=_("Code"), max_length=64, required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


ItemFormSet = forms.formset_factory(
    ItemForm, extra=ITEM_ROWS, max_num=editing.MAX_ITEMS, validate_max=True
)


def items_of(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]


def more_rows(data, prefix: str, n: int = ITEM_ROWS):
    """The POST with `n` more empty rows in the formset `prefix` (the "More lines" button)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + n, editing.MAX_ITEMS))
    return data


def question_errors(form: QuestionForm, formsets: dict, error: ValidationError) -> None:
    """A service's errors where the user sees them: options and lines over their rows."""
    if not hasattr(error, "error_dict"):
        add_errors(form, error)
        return
    found = error.message_dict
    for name, formset in formsets.items():
        for message in found.pop(name, []):
            formset.non_form_errors().append(message)
    if found:
        add_errors(form, ValidationError(found), fallback=None)
