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


def test_a_form_sent_without_its_token_gets_a_page_that_says_what_to_do():
    """A stale form (the CSRF token expired with the session) is refused with our own page in
    the user's language, and nothing is changed."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = UserFactory(password="A-long-enough-pass-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {
            "old_password": "A-long-enough-pass-1",
            "new_password1": "Another-long-pass-2",
            "new_password2": "Another-long-pass-2",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html and "send the form again" in html
    assert get_user_model().objects.get(pk=user.pk).check_password("A-long-enough-pass-1")

    response = client.post("/password/change/", {}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Форма устарела" in response.content.decode()
