"""Forms of the objection book: an objection with its answers (a formset), a category, and the
filters of the objection statistics. Their rules are comms.objections'; the forms only carry
the fields there and the errors back."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.access import branches_of
from core.forms import add_errors

from . import objections
from .models import Objection, ObjectionCategory, Script

MAX_ANSWERS = 20
MAX_PERIOD_DAYS = 366


class AnswerForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # an empty form is an answer not written; the objection needs one
    )


class BaseAnswerFormSet(forms.BaseFormSet):
    def get_ordering_widget(self):
        return forms.NumberInput(attrs={"min": 0, "class": "form-control form-control-sm"})

    def texts(self) -> list[objections.AnswerText]:
        """The answers written, in the order given (unnumbered last), without the deleted."""
        return [
            objections.AnswerText(f.cleaned_data.get("text", ""), f.cleaned_data.get("id"))
            for f in self.ordered_forms
            if f.cleaned_data.get("text", "").strip()
        ]


AnswerFormSet = forms.formset_factory(
    AnswerForm,
    formset=BaseAnswerFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_ANSWERS,
    validate_max=True,
)


class ObjectionForm(forms.ModelForm):
    """An objection and, in `self.answers`, its answers; save() goes through the service."""

    class Meta:
        model = Objection
        fields = ["category", "text", "keywords", "order"]
        widgets = {"text": forms.TextInput(attrs={"autofocus": True})}
        help_texts = {
            "text": _("In the subscriber's words: “It is expensive”."),
            "keywords": _(
                "Separated by commas: other ways subscribers say it, which the search finds too."
            ),
            "order": _("Smaller first within the category."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].empty_label = None
        self.fields["category"].error_messages["required"] = _("Choose the category.")
        self.fields["text"].error_messages["required"] = _("Write what the subscriber says.")
        initial = (
            [
                {"id": a.pk, "text": a.text, "ORDER": i}
                for i, a in enumerate(self.instance.answers.all(), start=1)
            ]
            if self.instance.pk
            else []
        )
        self.answers = AnswerFormSet(
            self.data or None, initial=initial, prefix="answers", form_kwargs={}
        )
        if not self.instance.pk:
            self.answers.extra = 2

    def _post_clean(self):
        # The model's own validation is the service's: one place for the rules.
        pass

    def is_valid(self) -> bool:
        answers_valid = self.answers.is_valid()
        return super().is_valid() and answers_valid

    def clean(self):
        data = super().clean()
        if self.errors or not self.answers.is_valid():
            return data
        try:
            objections.objection_clean(
                category=data.get("category"),
                text=data.get("text", ""),
                keywords=data.get("keywords", ""),
                answers=self.answers.texts(),
                exclude=self.instance.pk,
            )
        except ValidationError as e:
            add_errors(self, e)
        return data

    def save(self, commit=True) -> Objection | None:
        """The saved objection, or None with the errors added (the same text saved meanwhile
        by another request)."""
        fields = {
            "category": self.cleaned_data["category"],
            "text": self.cleaned_data["text"],
            "keywords": self.cleaned_data.get("keywords", ""),
            "order": self.cleaned_data.get("order") or 0,
            "answers": self.answers.texts(),
            "by": self.user,
        }
        try:
            if self.instance.pk:
                return objections.objection_update(objection=self.instance, **fields)
            return objections.objection_create(**fields)
        except ValidationError as e:
            add_errors(self, e)
            return None


class ObjectionCategoryForm(forms.ModelForm):
    class Meta:
        model = ObjectionCategory
        fields = ["name", "order"]
        help_texts = {"order": _("Smaller first in the book.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].error_messages["required"] = _("Give the category a name.")

    def _post_clean(self):
        pass

    def save(self, commit=True) -> ObjectionCategory | None:
        fields = {
            "name": self.cleaned_data["name"],
            "order": self.cleaned_data.get("order") or 0,
            "by": self.user,
        }
        try:
            if self.instance.pk:
                return objections.category_update(category=self.instance, **fields)
            return objections.category_create(**fields)
        except ValidationError as e:
            for messages in e.message_dict.values():
                for message in messages:
                    self.add_error("name", message)
            return None


class ObjectionStatsForm(forms.Form):
    """The period (the last 30 days by default), a script and a branch of the user's."""

    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    script = forms.ModelChoiceField(
        label=_("Script"), queryset=Script.objects.all(), required=False, empty_label=_("All")
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=None, required=False, empty_label=_("All of mine")
    )

    def __init__(self, data, *, user):
        start, end = objections.default_period()
        data = {"date_from": start, "date_to": end, **{k: v for k, v in data.items() if v}}
        super().__init__(data)
        self.fields["branch"].queryset = branches_of(user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The period must end after it starts."))
            elif end - start > timedelta(days=MAX_PERIOD_DAYS):
                self.add_error("date_to", _("The period is at most a year."))
        return data
