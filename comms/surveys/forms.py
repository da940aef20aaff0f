"""A survey's questions as form fields: read from a POST (answers by question code, as
comms.surveys.services.response_record takes them) and drawn by
comms/templates/comms/_survey_questions.html, under a prefix so that a survey can sit inside
another form (the script player's)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..models import Question

Kind = Question.Kind


def field_name(prefix: str, question: Question, row: str = "") -> str:
    return f"{prefix}{question.code}" + (f".{row}" if row else "")


def answers_from(data: QueryDict, questions: list[Question], prefix: str = "") -> dict:
    """The answers by question code as they were posted."""
    answers: dict = {}
    for question in questions:
        name = field_name(prefix, question)
        if question.kind == Kind.MULTIPLE:
            answers[question.code] = data.getlist(name)
        elif question.kind == Kind.GRID:
            answers[question.code] = {
                row["code"]: data.get(field_name(prefix, question, row["code"]), "")
                for row in question.rows
            }
        else:
            answers[question.code] = data.get(name, "")
    return answers


def question_fields(
    questions: list[Question], *, prefix: str = "", answers=None, errors=None
) -> list[dict]:
    """What the partial draws for each question: its inputs' names, the values given (kept
    after an error) and its error."""
    answers = answers or {}
    errors = errors or {}
    fields = []
    for question in questions:
        value = answers.get(question.code)
        field = {
            "question": question,
            "kind": question.kind,
            "name": field_name(prefix, question),
            "id": field_name(prefix, question).replace(".", "-"),
            "errors": errors.get(question.code, []),
        }
        if question.kind == Kind.SCALE10:
            field["scale"] = [{"value": n, "checked": str(value) == str(n)} for n in range(11)]
        elif question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            chosen = {str(value)} if isinstance(value, str | int) else set(value or [])
            field["choices"] = [
                {**option, "checked": option["code"] in chosen} for option in question.options
            ]
        elif question.kind == Kind.GRID:
            ratings = value or {}
            scale = range(question.scale_min, question.scale_max + 1)
            field["rows"] = [
                {
                    **row,
                    "name": field_name(prefix, question, row["code"]),
                    "id": field_name(prefix, question, row["code"]).replace(".", "-"),
                    "none": str(ratings.get(row["code"], "")) == "",
                    "scale": [
                        {"value": n, "checked": str(ratings.get(row["code"], "")) == str(n)}
                        for n in scale
                    ],
                }
                for row in question.rows
            ]
        else:
            field["text"] = value or ""
        fields.append(field)
    return fields


class ResultsFilter(forms.Form):
    """The results page's filters: the period answered and a segment to compare."""

    since = forms.DateField(
        label=_("Answered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Answered until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    segment = forms.ModelChoiceField(
        label=_("NPS of a segment"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from segments.models import Segment

        self.fields["segment"].queryset = Segment.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the period is before its start."))
        return data


class AccountForm(forms.Form):
    account = forms.CharField(label=_("Account"), max_length=32)


class InviteForm(forms.Form):
    """Whom to invite by SMS: a segment or pasted accounts (or phones), and by which SMS."""

    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=None, required=False, empty_label=_("— none —")
    )
    accounts = forms.CharField(
        label=_("Or accounts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Accounts or phones, one a line or separated by commas."),
    )
    template = forms.ModelChoiceField(label=_("Invitation SMS"), queryset=None)

    def __init__(self, *args, survey, may_use_segments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from segments.models import Segment

        from .editing import invitation_templates

        if may_use_segments:
            self.fields["segment"].queryset = Segment.objects.order_by("name")
        else:
            del self.fields["segment"]
            self.fields["accounts"].label = _("Accounts")
        self.fields["template"].queryset = invitation_templates()
        self.fields["template"].initial = survey.template_id
        self.fields["template"].help_text = _(
            "An SMS template for surveys; {link} becomes each subscriber's own link."
        )

    def clean(self):
        data = super().clean()
        segment, accounts = data.get("segment"), (data.get("accounts") or "").strip()
        if segment is None and not accounts:
            self.add_error(
                "segment" if "segment" in self.fields else "accounts",
                _("Choose a segment or paste the accounts."),
            )
        elif segment is not None and accounts:
            self.add_error("accounts", _("Choose a segment or paste the accounts, not both."))
        return data
