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


def test_it_asks_for_the_username_or_the_email(client):
    html = client.get(reverse("login")).content.decode()
    assert "Имя пользователя или e-mail" in html
    assert reverse("password_reset") in html


def test_it_logs_in_with_the_email_in_any_case(client):
    UserFactory(username="ivan", email="Ivan.Petrov@example.ru")
    response = client.post(
        reverse("login"), {"username": " ivan.petrov@EXAMPLE.ru ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "ivan"


def test_it_logs_in_with_an_email_longer_than_a_username_may_be(client):
    email = "a" * 160 + "@example.ru"
    UserFactory(username="ivan", email=email)
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def test_it_refuses_an_email_shared_by_two_accounts(client):
    UserFactory(username="ivan", email="office@example.ru")
    UserFactory(username="olga", email="office@example.ru")
    response = client.post(
        reverse("login"), {"username": "office@example.ru", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_tells_a_wrong_password_in_russian(client):
    UserFactory(username="ivan")
    response = client.post(reverse("login"), {"username": "ivan", "password": "wrong"})
    assert "Неверное имя пользователя, e-mail или пароль" in response.content.decode()


def test_it_says_the_same_for_an_unknown_user_a_wrong_password_and_a_blocked_account(client):
    UserFactory(username="ivan")
    UserFactory(username="olga", is_active=False)
    attempts = [
        ("ivan", "wrong"),
        ("nobody", "wrong"),
        ("nobody@example.ru", "x"),
        ("olga", PASSWORD),
    ]
    errors = {
        tuple(
            client.post(reverse("login"), {"username": username, "password": password})
            .context["form"]
            .non_field_errors()
        )
        for username, password in attempts
    }
    assert len(errors) == 1
    assert "_auth_user_id" not in client.session


def test_it_says_goodbye_on_the_login_page_after_logout(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"), follow=True)
    assert response.request["PATH_INFO"] == reverse("login")
    assert "Вы вышли из системы" in response.content.decode()


def test_the_user_menu_logs_out_by_a_form_and_links_the_password_change(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    form_start = html.index(f'<form method="post" action="{reverse("logout")}">')
    assert "csrfmiddlewaretoken" in html[form_start : html.index("</form>", form_start)]
    assert f'href="{reverse("password_change")}"' in html
