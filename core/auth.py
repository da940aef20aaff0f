"""Logging in: by username or e-mail, the login form, and who a failed attempt counts against."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# An e-mail address is at most 254 characters (RFC 5321); a username fits in that too.
IDENTIFIER_MAX_LENGTH = 254


def user_by_identifier(identifier: str):
    """The user whose username is identifier, else the only one whose e-mail it is (any case).

    An e-mail shared by several accounts names none of them: which one was meant is unknown.
    """
    if not identifier:
        return None
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: identifier}).first()
    if user is not None:
        return user
    if "@" not in identifier:
        return None
    matches = list(model._default_manager.filter(email__iexact=identifier)[:2])
    return matches[0] if len(matches) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts the user's e-mail address in place of the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_by_identifier(username.strip())
        if user is None:
            # Hash anyway, so a missing user takes as long as a wrong password (no enumeration).
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The name django-axes counts failures against: the account's username when the identifier
    names one, so switching between the username and the e-mail gains no extra attempts."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        identifier = credentials.get(field)
    else:
        identifier = getattr(request, "data", request.POST).get(field)
    identifier = (identifier or "").strip()
    user = user_by_identifier(identifier)
    return user.get_username() if user else identifier.lower()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind our reverse proxy, the one it appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class LoginForm(AuthenticationForm):
    """The login form: one field for the username or the e-mail, one message for every failure."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=IDENTIFIER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        # The same words whether the user exists, is inactive or typed a wrong password.
        "invalid_login": _(
            "Wrong username, e-mail or password. Check the keyboard layout and Caps Lock."
        ),
        "inactive": _(
            "Wrong username, e-mail or password. Check the keyboard layout and Caps Lock."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sizes the field to the username column; an e-mail may be longer.
        self.fields["username"].max_length = IDENTIFIER_MAX_LENGTH
        self.fields["username"].widget.attrs["maxlength"] = IDENTIFIER_MAX_LENGTH
