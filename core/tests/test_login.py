import pytest
from django.urls import reverse

from core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_login_page_in_russian_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Вход" in html
    assert "Пароль" in html


def test_it_refuses_a_wrong_password(client):
    UserFactory(username="ivan")
    response = client.post(reverse("login"), {"username": "ivan", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-danger' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_redirects_an_anonymous_user_from_the_start_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_it_logs_in_and_opens_the_start_page(client):
    UserFactory(username="ivan", first_name="Иван")
    response = client.post(reverse("login"), {"username": "ivan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Иван" in client.get(reverse("home")).content.decode()


def test_it_logs_out_by_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_switches_the_language_to_english(client):
    client.force_login(UserFactory())
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
