"""django-axes: five wrong passwords for one account from one address lock that pair out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, address="10.0.0.1"):
    return [log_in(client, username, "wrong-password", address) for _ in range(times)]


@pytest.fixture
def ivan():
    return UserFactory(username="ivan", email="ivan@example.ru")


def test_the_limit_is_five(ivan):
    assert settings.AXES_FAILURE_LIMIT == 5


def test_it_locks_out_on_the_fifth_wrong_password(client, ivan):
    *before, fifth = fail(client, "ivan", 5)
    assert all(response.status_code == 200 for response in before)
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "Вход заблокирован" in html
    until = timezone.localtime(fifth.context["until"])
    assert abs(until - timezone.now() - settings.AXES_COOLOFF_TIME) < timedelta(minutes=1)
    assert f"Попробуйте снова после <strong>{until:%H:%M}</strong> (через 30 минут)" in html
    assert reverse("password_reset") in html


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(client, ivan):
    fail(client, "ivan", 5)
    response = log_in(client, "ivan", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_switching_to_the_email_gains_no_attempts(client, ivan):
    fail(client, "ivan", 3)
    *_, fifth = fail(client, "IVAN@example.ru", 2)
    assert fifth.status_code == 429
    assert log_in(client, "ivan@example.ru", PASSWORD).status_code == 429


def test_another_address_is_not_locked_out(client, ivan):
    fail(client, "ivan", 5, address="10.0.0.1")
    assert log_in(client, "ivan", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_good_login_clears_the_count(client, ivan):
    fail(client, "ivan", 4)
    assert log_in(client, "ivan", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    responses = fail(client, "ivan", 4)
    assert all(response.status_code == 200 for response in responses)
    assert log_in(client, "ivan", PASSWORD).status_code == 302


def test_the_lock_opens_after_the_wait(client, ivan):
    fail(client, "ivan", 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert log_in(client, "ivan", PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, ivan):
    fail(client, "ivan", 5)
    attempt = AccessAttempt.objects.get(username="ivan")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert "ivan" in client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert log_in(client, "ivan", PASSWORD).status_code == 302


def test_an_unknown_username_is_locked_out_like_a_known_one(client):
    # Otherwise the lock-out page would tell which usernames exist.
    *_, fifth = fail(client, "nobody", 5)
    assert fifth.status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, ivan):
    fail(client, "ivan", 5)
    response = client.post(
        reverse("login"),
        {"username": "ivan", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert response.status_code == 429


def test_behind_the_proxy_it_counts_the_address_the_proxy_saw(client, ivan, settings):
    settings.BEHIND_PROXY = True

    def via_proxy(password, forwarded):
        return client.post(
            reverse("login"),
            {"username": "ivan", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # The client may send its own X-Forwarded-For; the proxy appends the address it saw.
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        last = via_proxy("wrong-password", f"{forged}, 203.0.113.9")
    assert last.status_code == 429
    assert via_proxy(PASSWORD, "198.51.100.4").status_code == 302
