"""The forms of the script editor: a script's properties, a step of its draft (targets chosen
among the draft's steps by title, codes chosen from the objection book, the registered actions
and the message templates, never typed), the answers of a question, the start and publishing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm, add_errors  # noqa: F401 — add_errors for the views

from . import graph, outcomes
from . import scripts as services
from .models import MessageTemplate, Objection, Script, Survey


class ScriptForm(ServiceModelForm):
    properties = tuple(services.PROPERTIES)

    class Meta:
        model = Script
        fields = list(services.PROPERTIES)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "number": _("E.g. 3.3.1."),
            "description": _("When the operator uses it and what it is for."),
        }

    def check(self, fields, *, exclude):
        services.script_clean(fields, exclude=exclude)

    def create(self, *, by, **fields):
        return services.script_create(by=by, **fields)

    def update(self, instance, *, by, **fields):
        return services.script_update(script=instance, by=by, **fields)


def step_choices(draft: dict, *, without: str | None = None) -> list[tuple[str, str]]:
    """The draft's steps by title, for a select of where a step leads."""
    return [("", "—")] + [
        (n.get("id") or "", n.get("title") or n.get("id") or "")
        for n in graph.nodes(draft)
        if n.get("id") != without
    ]


class ObjectionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.category.name}: {obj.text}"


class StepForm(forms.Form):
    """A step of the draft; the fields of other kinds of step are left out."""

    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the operator says. Placeholders in braces, e.g. {addressed}, {debt}."),
    )
    next = forms.ChoiceField(label=_("Next step"), required=False)
    outcome = forms.CharField(
        label=_("Outcome code"),
        max_length=64,
        help_text=_("What the call came to, for the call log: e.g. promise, refused, callback."),
    )
    success = forms.BooleanField(label=_("The call ended well"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    message = forms.ModelChoiceField(
        label=_("SMS after the call"),
        queryset=MessageTemplate.objects.exclude(code=None).order_by("name"),
        to_field_name="code",
        required=False,
    )
    survey = forms.ModelChoiceField(
        label=_("Survey"),
        queryset=Survey.objects.filter(active=True).order_by("name"),
        to_field_name="code",
        help_text=_("Its questions are put to the subscriber; the answers are its response."),
    )
    objections = ObjectionChoice(
        label=_("Objections the operator may meet here"),
        queryset=Objection.objects.select_related("category"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    KIND_FIELDS = {
        graph.SAY: {"next"},
        graph.ASK: set(),
        graph.SURVEY: {"next", "survey"},
        graph.END: {"outcome", "success", "action", "message"},
    }

    def __init__(self, *args, kind: str, draft: dict, step: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        optional = {"next", "outcome", "success", "action", "message", "survey"}
        for name in optional - self.KIND_FIELDS[kind]:
            del self.fields[name]
        if "next" in self.fields:
            self.fields["next"].choices = step_choices(draft, without=step)
        if "action" in self.fields:
            self.fields["action"].choices = [("", _("None"))] + [
                (a.code, a.label) for a in outcomes.registered()
            ]

    def values(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items()}
        data["objections"] = [o.code for o in data.get("objections") or []]
        if "message" in data:
            data["message"] = data["message"].code if data["message"] else ""
        if "survey" in data:
            data["survey"] = data["survey"].code if data["survey"] else ""
        return data


class AnswerForm(forms.Form):
    label = forms.CharField(label=_("Answer"), max_length=200, required=False)
    next = forms.ChoiceField(label=_("Leads to"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("next") and not (data.get("label") or "").strip():
            self.add_error("label", _("Write the answer's words, or clear where it leads."))
        return data


AnswerFormSet = forms.formset_factory(AnswerForm, extra=2, max_num=20, validate_max=True)


class StartForm(forms.Form):
    step = forms.ChoiceField(label=_("The call starts with"))

    def __init__(self, *args, draft: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = step_choices(draft)[1:]
        self.fields["step"].initial = draft.get("start")


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=250,
        required=False,
        help_text=_("Shown in the list of versions."),
    )
