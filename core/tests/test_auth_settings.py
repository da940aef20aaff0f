"""Session idle timeout, security headers, and the settings that the environment switches."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from abonent.settings import BASE_DIR, email_settings
from core.middleware import SessionSlideMiddleware
from core.tests.factories import PASSWORD, UserFactory

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# The variables these tests set; whatever this machine has of them is left out.
SWITCHES = ("EMAIL_", "DEFAULT_FROM_EMAIL", "HTTPS", "HSTS_", "BEHIND_PROXY", "SESSION_IDLE")


def settings_under(**environ) -> dict:
    """The settings a fresh process gets from this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps("
        "{name: getattr(settings, name, None) for name in ["
        "'SESSION_COOKIE_AGE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS',"
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER',"
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'DEFAULT_FROM_EMAIL']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SWITCHES)}
    env = clean | {"DJANGO_SETTINGS_MODULE": "abonent.settings"} | environ
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db
def test_a_session_lasts_eight_idle_hours_and_survives_closing_the_browser(client):
    UserFactory(username="ivan")
    response = client.post(reverse("login"), {"username": "ivan", "password": PASSWORD})
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


@pytest.mark.django_db
def test_every_request_moves_the_end_of_the_session(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    expires = Session.objects.get(pk=key).expire_date
    assert expires > timezone.now() + timedelta(hours=7, minutes=59)


@pytest.mark.django_db
def test_the_end_moves_at_most_once_a_minute_so_a_page_costs_no_session_write(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    client.get(reverse("home"))  # the first request stamps the slide
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(pk=key).expire_date == soon  # within the minute: not written

    session = client.session
    session[SessionSlideMiddleware.KEY] -= settings.SESSION_SLIDE_SECONDS
    session.save()
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(hours=7)


@pytest.mark.django_db
def test_an_idle_session_ends_and_asks_to_log_in_again(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client):
    for response in (client.get(reverse("login")), client.get(reverse("home"))):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_demo_runs_on_plain_http_and_prints_mail_to_the_console():
    values = settings_under()
    assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["EMAIL_BACKEND"] == CONSOLE


def test_production_switches_on_https_the_idle_time_and_smtp():
    values = settings_under(
        HTTPS="1",
        BEHIND_PROXY="1",
        SESSION_IDLE_SECONDS="1800",
        EMAIL_HOST="mail.example.ru",
        DEFAULT_FROM_EMAIL="abonent@example.ru",
    )
    assert values["SESSION_COOKIE_AGE"] == 1800
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["EMAIL_BACKEND"] == SMTP
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("mail.example.ru", 25)
    assert values["DEFAULT_FROM_EMAIL"] == "abonent@example.ru"


def test_mail_settings_from_separate_variables():
    assert email_settings(
        {
            "EMAIL_HOST": "smtp.example.ru",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "abonent",
            "EMAIL_HOST_PASSWORD": "secret",
            "EMAIL_USE_TLS": "1",
        }
    ) == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "smtp.example.ru",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "abonent",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://abonent:p%40ss@smtp.example.ru:587",
            ("smtp.example.ru", 587, "abonent", "p@ss", True, False),
        ),
        ("smtps://smtp.example.ru", ("smtp.example.ru", 465, "", "", False, True)),
        ("smtp://localhost", ("localhost", 25, "", "", False, False)),
    ],
)
def test_mail_settings_from_one_url(url, expected):
    values = email_settings({"EMAIL_URL": url, "EMAIL_HOST": "ignored.example.ru"})
    assert values["EMAIL_BACKEND"] == SMTP
    keys = ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")
    assert tuple(values[k] for k in (*keys, "EMAIL_USE_TLS", "EMAIL_USE_SSL")) == expected


def test_mail_settings_refuse_an_unknown_scheme():
    with pytest.raises(ValueError, match="imap"):
        email_settings({"EMAIL_URL": "imap://mail.example.ru"})
    assert email_settings({"EMAIL_URL": "console:"}) == {"EMAIL_BACKEND": CONSOLE}


@pytest.mark.django_db
def test_a_page_fragment_after_the_session_ended_sends_the_whole_page_to_the_login(client):
    response = client.get(
        reverse("job_detail", args=[1]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/subscribers/imports/",
    )
    assert response["HX-Redirect"] == reverse("login") + "?next=/subscribers/imports/"
