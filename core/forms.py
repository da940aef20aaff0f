"""Forms of the shared kernel: staff (users with their roles and branches) and branches."""

import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Branch
from .roles import ROLES, ROLES_BY_CODE

User = get_user_model()
ZONES = sorted(zoneinfo.available_timezones())


class StaffUserForm(forms.ModelForm):
    """A member of staff: who they are, their roles and the branches whose rows they see. A new
    one gets a password here; an existing one changes it themselves or by e-mail."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.code, role.name) for role in ROLES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Give the user at least one role.")},
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    all_branches = forms.BooleanField(
        label=_("All branches"),
        required=False,
        help_text=_("Sees the rows of every branch, including branches added later."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(), required=False
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(), required=False
    )

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active")

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        if self.instance.pk:
            del self.fields["password1"], self.fields["password2"]
        else:
            self.fields["password1"].required = self.fields["password2"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another user has this e-mail address; it is also a login.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_branches") and not cleaned.get("branches"):
            self.add_error("branches", _("Choose the user's branches, or all branches."))
        if "password1" in self.fields:
            first, second = cleaned.get("password1"), cleaned.get("password2")
            if first and second and first != second:
                self.add_error("password2", _("The two passwords differ."))
            elif first:
                probe = User(
                    username=cleaned.get("username") or "",
                    email=cleaned.get("email") or "",
                    first_name=cleaned.get("first_name") or "",
                    last_name=cleaned.get("last_name") or "",
                )
                try:
                    password_validation.validate_password(first, probe)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        self._keep_an_administrator(cleaned)
        return cleaned

    def _keep_an_administrator(self, cleaned) -> None:
        """Nobody locks the administrators out: an administrator keeps their own role and
        account, and the last active administrator stays one."""
        user = self.instance
        if not user.pk:
            return
        was_admin = user.groups.filter(name="admin").exists() and user.is_active
        stays_admin = "admin" in (cleaned.get("roles") or []) and cleaned.get("is_active")
        if not was_admin or stays_admin:
            return
        if self.editor is not None and self.editor.pk == user.pk:
            raise forms.ValidationError(
                _("You cannot take away your own administrator role or account.")
            )
        others = (
            User.objects.filter(groups__name="admin", is_active=True).exclude(pk=user.pk).exists()
        )
        if not others:
            raise forms.ValidationError(_("This is the last administrator; appoint another first."))

    def roles_with_help(self):
        """(checkbox, role) pairs for the template: each role shown with its description."""
        return [(box, ROLES_BY_CODE[box.data["value"]]) for box in self["roles"]]


class BranchForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in ZONES])

    class Meta:
        model = Branch
        fields = ("name", "time_zone", "currency")

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        branch = self.instance
        if branch.pk and zone != Branch.objects.get(pk=branch.pk).time_zone and _has_base(branch):
            raise forms.ValidationError(
                _(
                    "The branch's subscribers and payments were imported in its time zone; "
                    "it cannot be changed any more."
                )
            )
        return zone


def _has_base(branch: Branch) -> bool:
    """Whether any subscriber belongs to the branch (read through the reverse relation, so core
    does not import the subscribers block)."""
    for relation in Branch._meta.related_objects:
        if relation.related_model._meta.label == "subscribers.Subscriber":
            return relation.related_model._base_manager.filter(
                **{relation.field.name: branch}
            ).exists()
    return False


def style_widgets(form: forms.Form) -> None:
    """Give each visible widget of the form its Bootstrap class (a select's, a checkbox's, an
    input's), unless it has one."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def add_errors(form: forms.Form, error: ValidationError, *, fallback: str | None = None) -> None:
    """A service's ValidationError on the form: by field where the form has the field."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else fallback
        for message in messages:
            form.add_error(target, message)


class ServiceModelForm(forms.ModelForm):
    """A model form whose rules and writes are a block's services, so that a view, the API and
    a command enforce the same: `check(fields, exclude=pk)` raises ValidationError by field,
    `create(by=, **fields)` and `update(<obj>, by=, **fields)` write. Subclasses name them and
    the fields they pass (`properties`)."""

    properties: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _post_clean(self):
        # The model's own validation is the service's: one place for the rules.
        pass

    def fields_given(self, data: dict) -> dict:
        return {name: data.get(name, "") for name in self.properties}

    def check(self, fields: dict, *, exclude: int | None) -> None:
        raise NotImplementedError

    def create(self, *, by, **fields):
        raise NotImplementedError

    def update(self, instance, *, by, **fields):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.check(self.fields_given(data), exclude=self.instance.pk)
        except ValidationError as e:
            add_errors(self, e)
        return data

    def save(self, commit=True):
        fields = {name: self.cleaned_data[name] for name in self.properties}
        if self.instance.pk:
            return self.update(self.instance, by=self.user, **fields)
        return self.create(by=self.user, **fields)
