"""Forms of the installation schedule: a team, a team's day off, a booking."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.access import branches_of
from subscribers.models import Street, Technology

from .models import Team

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class TeamForm(forms.ModelForm):
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"),
        choices=Technology.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    slot_times = forms.CharField(
        label=_("Slots of a day"),
        help_text=_("One a line, as 09:00-11:00."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    streets = forms.ModelMultipleChoiceField(
        label=_("Territory"),
        queryset=Street.objects.none(),
        required=False,
        help_text=_("The streets the team serves; none: the whole branch."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    installers = forms.ModelMultipleChoiceField(
        label=_("Installers"),
        queryset=None,
        required=False,
        help_text=_("Who of the staff with the installer's role works in this team."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Team
        fields = ["branch", "name", "technologies", "weekdays", "slot_times", "slot_capacity",
                  "active"]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = branches_of(user)
        self.fields["branch"].queryset = branches
        self.fields["streets"].queryset = (
            Street.objects.filter(city__branch__in=branches)
            .select_related("city")
            .order_by("city__name", "name")
        )
        self.fields["streets"].label_from_instance = lambda s: f"{s.city.name}, {s.name}"
        self.fields["installers"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name="installer")
            .distinct()
            .order_by("last_name", "username")
        )
        self.fields["installers"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )
        if self.instance.pk:
            self.initial["slot_times"] = "\n".join(self.instance.slot_times or [])
            self.initial["streets"] = list(self.instance.streets.all())
            self.initial["installers"] = [i.user_id for i in self.instance.installers.all()]
        else:
            self.initial.setdefault("weekdays", [1, 2, 3, 4, 5])
            self.initial.setdefault(
                "slot_times", "09:00-11:00\n11:00-13:00\n14:00-16:00\n16:00-18:00"
            )
            if branches.count() == 1:
                self.initial.setdefault("branch", branches.first())

    def clean_slot_times(self):
        text = self.cleaned_data["slot_times"].replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]


class TeamDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    working = forms.TypedChoiceField(
        label=_("The team"),
        choices=[("0", _("does not work (day off)")), ("1", _("works (extra day)"))],
        coerce=lambda v: v == "1",
        initial="0",
    )
    note = forms.CharField(label=_("Note"), max_length=120, required=False)
