"""The API's way in: a token (manage.py api_token) or the session; 401 without either."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:tariff-list")


def token_of(username: str) -> str:
    out = io.StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def test_the_command_creates_a_token_once():
    user = UserFactory(username="ivan")
    key = token_of("ivan")
    assert Token.objects.get(user=user).key == key
    assert token_of("ivan") == key


def test_the_command_resets_a_token():
    UserFactory(username="ivan")
    key = token_of("ivan")
    out = io.StringIO()
    call_command("api_token", "ivan", reset=True, stdout=out)
    assert out.getvalue().strip() != key
    assert not Token.objects.filter(key=key).exists()


def test_the_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody")


def test_a_token_lets_in(client):
    UserFactory(username="ivan", perms=["subscribers.view_tariff"])
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token_of('ivan')}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_wrong_token_is_401(client):
    UserFactory(username="ivan", perms=["subscribers.view_tariff"])
    token_of("ivan")
    response = client.get(URL, HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_no_credentials_is_401_not_a_redirect(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_token_of_an_inactive_user_is_401(client):
    user = UserFactory(username="ivan", perms=["subscribers.view_tariff"])
    key = token_of("ivan")
    user.is_active = False
    user.save()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_the_session_lets_in(client):
    client.force_login(UserFactory(perms=["subscribers.view_tariff"]))
    assert client.get(URL).status_code == 200


def test_a_user_without_the_view_permission_gets_403(client):
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    response = client.get(URL)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_a_read_only_endpoint_rejects_post(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(URL, {}).status_code == 405
