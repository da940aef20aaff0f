"""A logged-in user changes the password; the password policy is shown and enforced."""

import pytest
from django.urls import reverse

from core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tundra-lantern-42"


@pytest.fixture
def ivan(client):
    user = UserFactory(username="ivanpetrov", email="ivan@example.ru")
    client.force_login(user)
    return user


def change(client, old, new, again=None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_it_shows_the_policy(client, ivan):
    html = client.get(reverse("password_change")).content.decode()
    assert "Смена пароля" in html
    assert "Ваш пароль должен содержать как минимум 10 символов." in html


def test_it_changes_the_password_and_keeps_the_user_logged_in(client, ivan):
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Пароль изменён" in page.content.decode()
    ivan.refresh_from_db()
    assert ivan.check_password(NEW_PASSWORD)
    client.post(reverse("logout"))
    login = client.post(reverse("login"), {"username": "ivanpetrov", "password": NEW_PASSWORD})
    assert login.status_code == 302


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short-1", "Введённый пароль слишком короткий"),
        ("4815162342108", "Введённый пароль состоит только из цифр"),
        ("password123", "Введённый пароль слишком широко распространён"),
        ("ivanpetrov1", "Введённый пароль слишком похож на имя пользователя"),
    ],
)
def test_it_refuses_a_weak_password_with_the_reason(client, ivan, new, message):
    response = change(client, PASSWORD, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    ivan.refresh_from_db()
    assert ivan.check_password(PASSWORD)


def test_it_refuses_a_wrong_old_password(client, ivan):
    response = change(client, "not-the-password", NEW_PASSWORD)
    assert "Ваш старый пароль введен неправильно" in response.content.decode()
    ivan.refresh_from_db()
    assert ivan.check_password(PASSWORD)


def test_it_refuses_two_different_new_passwords(client, ivan):
    response = change(client, PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "!")
    assert "Введенные пароли не совпадают" in response.content.decode()
    ivan.refresh_from_db()
    assert ivan.check_password(PASSWORD)


def test_it_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
