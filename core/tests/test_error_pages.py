import pytest

from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_its_own_page_for_a_missing_address(client):
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ab-error-code" in response.content.decode()


def test_it_shows_its_own_page_for_a_forbidden_one(client):
    client.force_login(UserFactory())
    response = client.get("/subscribers/imports/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "ab-error-code" in html and "403" in html


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    assert "500" in render_to_string("500.html")
