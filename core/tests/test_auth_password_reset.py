"""Password reset by e-mail, through Django's SMTP backend to a real local SMTP server."""

import re
import uuid

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tundra-lantern-42"
LINK = re.compile(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The reset limits are counted in the cache: each test starts with its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"reset-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def ivan():
    return UserFactory(
        username="ivan", first_name="Иван", last_name="Петров", email="ivan.petrov@example.ru"
    )


def request_reset(client, email, **headers):
    return client.post(reverse("password_reset"), {"email": email}, **headers)


def reset_link(delivery) -> str:
    return LINK.search(delivery.message.get_content()).group(1)


def open_link(client, path):
    """Follow the link from the mail: Django moves the token into the session and redirects."""
    response = client.get(path)
    assert response.status_code == 302
    return response["Location"]


def set_password(client, form_path, password, again=None):
    return client.post(form_path, {"new_password1": password, "new_password2": again or password})


def test_it_mails_a_link_that_sets_a_new_password(client, ivan, smtp_server):
    response = request_reset(client, "Ivan.Petrov@EXAMPLE.ru")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Проверьте почту" in client.get(response["Location"]).content.decode()

    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ["ivan.petrov@example.ru"]
    assert delivery.message["Subject"] == "Абонент: новый пароль"
    body = delivery.message.get_content()
    assert "Здравствуйте, Иван Петров!" in body
    assert "Ваше имя пользователя: ivan" in body
    assert "Ссылка действует один раз в течение 24 часов." in body

    form_path = open_link(client, reset_link(delivery))
    page = client.get(form_path)
    assert "Ваш пароль должен содержать как минимум 10 символов." in page.content.decode()
    response = set_password(client, form_path, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert "Новый пароль установлен" in client.get(response["Location"]).content.decode()

    login = client.post(reverse("login"), {"username": "ivan", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_it_answers_an_unknown_address_exactly_like_a_known_one(client, ivan, smtp_server):
    known = request_reset(client, "ivan.petrov@example.ru")
    unknown = request_reset(client, "nobody@example.ru")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [d.rcpt_tos for d in smtp_server.deliveries] == [["ivan.petrov@example.ru"]]


def test_it_mails_nothing_to_a_blocked_account(client, smtp_server):
    UserFactory(username="olga", email="olga@example.ru", is_active=False)
    assert request_reset(client, "olga@example.ru").status_code == 302
    assert smtp_server.deliveries == []


def test_it_writes_in_english_to_who_asked_in_english(client, ivan, smtp_server):
    request_reset(client, "ivan.petrov@example.ru", HTTP_ACCEPT_LANGUAGE="en")
    [delivery] = smtp_server.deliveries
    assert delivery.message["Subject"] == "Abonent: a new password"
    assert "Hello, Иван Петров!" in delivery.message.get_content()


def test_it_refuses_a_weak_new_password_and_keeps_the_link(client, ivan, smtp_server):
    request_reset(client, "ivan.petrov@example.ru")
    form_path = open_link(client, reset_link(smtp_server.deliveries[0]))
    response = set_password(client, form_path, "1234567890")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Введённый пароль состоит только из цифр." in html
    assert "Введённый пароль слишком широко распространён." in html
    ivan.refresh_from_db()
    assert ivan.check_password(PASSWORD)
    assert set_password(client, form_path, NEW_PASSWORD).status_code == 302


def test_a_link_works_only_once(client, ivan, smtp_server):
    request_reset(client, "ivan.petrov@example.ru")
    link = reset_link(smtp_server.deliveries[0])
    set_password(client, open_link(client, link), NEW_PASSWORD)

    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Эта ссылка больше не работает" in again.content.decode()
    assert set_password(client, again.request["PATH_INFO"], "Other-pass-77").status_code == 200
    ivan.refresh_from_db()
    assert ivan.check_password(NEW_PASSWORD)


def test_a_forged_link_does_not_work(client, ivan, smtp_server):
    request_reset(client, "ivan.petrov@example.ru")
    uidb64 = reset_link(smtp_server.deliveries[0]).split("/")[3]
    forged = reverse("password_reset_confirm", args=[uidb64, "cxf0yb-0123456789abcdef"])
    response = client.get(forged, follow=True)
    assert response.context["validlink"] is False


def test_a_new_password_lifts_a_lock_out(client, ivan, smtp_server):
    for _ in range(5):
        client.post(reverse("login"), {"username": "ivan", "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username="ivan").exists()
    request_reset(client, "ivan.petrov@example.ru")
    set_password(client, open_link(client, reset_link(smtp_server.deliveries[0])), NEW_PASSWORD)
    login = client.post(reverse("login"), {"username": "ivan", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_reset_pages_need_no_login(client):
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert client.get(reverse("password_reset_complete")).status_code == 200


def test_it_stops_mailing_one_address_after_a_few_requests_an_hour(client, ivan, smtp_server):
    for _ in range(3):
        assert request_reset(client, "ivan.petrov@example.ru").status_code == 302
    response = request_reset(client, "IVAN.PETROV@example.ru", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(smtp_server.deliveries) == 3
    # Another address from the same computer is still served, up to the client's own limit.
    UserFactory(username="olga", email="olga@example.ru")
    assert request_reset(client, "olga@example.ru").status_code == 302
    assert [d.rcpt_tos for d in smtp_server.deliveries][-1] == ["olga@example.ru"]


def test_it_stops_one_computer_asking_for_many_addresses(client, smtp_server):
    for n in range(10):
        assert request_reset(client, f"someone{n}@example.ru").status_code == 302
    response = request_reset(client, "someone-else@example.ru", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
