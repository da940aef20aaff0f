"""Logging in and out, the lock-out page, password change and password reset by e-mail."""

import hashlib

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .auth import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule); says so on the login page it returns to."""

    def post(self, request, *args, **kwargs):
        was_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_in:
            messages.info(request, _("You have logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


RESET_PER_ADDRESS = 3  # reset letters per typed address per hour
RESET_PER_CLIENT = 10  # reset requests per IP address per hour


def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under `key` for an hour; True once the count passes `limit`."""
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return False


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, limited so that the form cannot be used to flood a mailbox:
    a few letters per typed address and a few more requests per client an hour. The limit is
    counted per typed address whether or not it belongs to a user, so it reveals nothing."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        client = self.request.META.get("REMOTE_ADDR", "")
        if _over_limit(f"pwreset:ip:{client}", RESET_PER_CLIENT) or _over_limit(
            f"pwreset:to:{digest}", RESET_PER_ADDRESS
        ):
            form.add_error(
                None,
                _(
                    "Too many reset requests for this address or from this computer. "
                    "Look for the letter already sent, or try again in an hour."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever could read the mailbox may log in again at once, lock-out or not.
        axes_reset(username=self.user.get_username())
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the page shown instead of the login form."""
    cool_off = get_cool_off(request)
    context = {
        "until": timezone.now() + cool_off if cool_off else None,
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
