"""No page is reachable without a login by accident: every URL pattern of the project is walked
as an anonymous user. And no view lets a POST through without a CSRF token."""

import re
from re import _parser as sre_parse  # the standard library's own regular-expression parser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from core.middleware import API_BROWSER_PAGES, API_PREFIX, PUBLIC_PREFIXES
from core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Widening this list is a decision: make it here and in core.middleware.PUBLIC_PREFIXES.
PUBLIC = {
    "/login/": "log in (the lock-out page is its answer)",
    "/password/reset/": "password reset by e-mail, its four pages",
    "/i18n/": "switch the language",
    "/static/": "styles, scripts, images",
    "/admin/login/": "the admin's own login form",
    "/comms/dlr/": "delivery reports from the SMS gateway, each URL signed for its message",
    "/comms/mo/": "messages subscribers write, passed on by the SMS gateway (a signed URL)",
    "/s/": "a survey link sent to a subscriber by SMS, signed for its invitation",
    "/apply/": "the application form of the operator's site, also embedded there in a frame",
}
SAMPLE_CHAR = {
    sre_parse.CATEGORY_DIGIT: "1",
    sre_parse.CATEGORY_WORD: "a",
    sre_parse.CATEGORY_NOT_SPACE: "a",
}


def sample(pattern: str) -> str:
    """A short string that the regular expression matches: "1" for digits, "a" for any char."""
    return _sample(sre_parse.parse(pattern))


def _sample(parsed) -> str:
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name in ("NOT_LITERAL", "ANY"):
            out.append("1" if arg != ord("1") else "a")
        elif name == "IN":
            out.append(_sample_in(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, item = arg
            out.append(_sample(item) * max(low, 1))
        elif name == "SUBPATTERN":
            out.append(_sample(arg[-1]))
        elif name == "BRANCH":
            out.append(_sample(arg[1][0]))
        elif name == "AT":
            continue
        else:
            raise AssertionError(f"sample(): teach me the regular-expression node {name}")
    return "".join(out)


def _sample_in(items) -> str:
    negated = any(str(op) == "NEGATE" for op, _ in items)
    if negated:
        excluded = {arg for op, arg in items if str(op) == "LITERAL"}
        return "1" if ord("1") not in excluded else "a"
    op, arg = items[0]
    if str(op) == "LITERAL":
        return chr(arg)
    if str(op) == "RANGE":
        return chr(arg[0])
    return SAMPLE_CHAR[arg]


def every_url(resolver=None, prefix="/"):
    """(path, pattern) for every URL pattern below resolver, with sample values in the slots."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + sample(entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            yield from every_url(entry, path)
        else:
            assert isinstance(entry, URLPattern)
            yield path, entry


def test_the_walk_covers_the_whole_project():
    urls = dict(every_url())
    for name in ("home", "login", "logout", "password_change", "password_reset_confirm"):
        assert any(entry.name == name for entry in urls.values()), name
    assert any(path.startswith("/admin/") for path in urls)
    assert any(is_api(path) for path in urls) and "/api/docs/" in urls
    for path, entry in urls.items():
        assert resolve(path).func == entry.callback, path


def test_the_public_list_is_the_agreed_one():
    assert set(PUBLIC_PREFIXES) == set(PUBLIC)


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and not path.startswith(API_BROWSER_PAGES)


def test_every_page_is_public_by_the_list_or_asks_to_log_in(client):
    for path, _entry in every_url():
        response = client.get(path)
        if path.startswith(tuple(PUBLIC)):
            assert response.status_code < 500, path
            continue
        if is_api(path):
            # The API asks for credentials (in JSON; the schema in its own OpenAPI types)
            # instead of redirecting to the login page.
            assert response.status_code == 401, path
            assert response["WWW-Authenticate"] == "Token", path
            assert response["Content-Type"].startswith(
                ("application/json", "application/vnd.oai.openapi")
            ), path
            continue
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login") + "?next="), path


def test_no_view_is_exempt_from_csrf_checks():
    # DRF marks its views exempt and checks CSRF itself for a session-authenticated request
    # (test_it_refuses_an_api_post_by_session_without_the_csrf_token); a token needs none.
    exempt = [
        path
        for path, entry in every_url()
        if getattr(entry.callback, "csrf_exempt", False)
        and not path.startswith(API_PREFIX)
        and path not in CSRF_EXEMPT
    ]
    assert exempt == []


# Widening this list is a decision too: a view here acts for no one logged in.
CSRF_EXEMPT = {
    # Anonymous, and embedded on the operator's site, where the CSRF cookie does not reach the
    # frame (SameSite, blocked third-party cookies); its signed form stamp stands in.
    "/apply/",
}


def test_it_refuses_an_api_post_by_session_without_the_csrf_token(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(reverse("api:import-list"), {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_it_refuses_a_login_without_the_csrf_token():
    UserFactory(username="ivan")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "ivan", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_accepts_a_login_with_the_csrf_token():
    UserFactory(username="ivan")
    client = Client(enforce_csrf_checks=True)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(reverse("login")).content.decode()
    ).group(1)
    response = client.post(
        reverse("login"),
        {"username": "ivan", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_it_refuses_a_logout_without_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 403
    assert "_auth_user_id" in client.session
