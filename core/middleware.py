"""Every page needs a login except the ones listed as public; sessions slide cheaply."""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect

# The lock-out page is the answer to a POST to /login/; core/tests/test_auth_public_pages.py
# walks every URL of the project against this list.
PUBLIC_PREFIXES = (
    "/login/",
    "/password/reset/",
    "/i18n/",
    "/static/",
    "/admin/login/",
    "/comms/dlr/",
    "/comms/mo/",
    "/s/",
    "/apply/",
)
# The API authenticates by itself (a token or the session) and answers 401/403 in JSON rather
# than redirecting; its docs page is for people in a browser, so it sends them to the login.
API_PREFIX = "/api/"
API_BROWSER_PAGES = ("/api/docs/",)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(API_PREFIX) and not path.startswith(API_BROWSER_PAGES):
            return self.get_response(request)
        if not request.user.is_authenticated and not path.startswith(PUBLIC_PREFIXES):
            if getattr(request, "htmx", False):
                # A page fragment (e.g. a job's progress) after the session ended: send the whole
                # page to the login, not the login form into the fragment.
                target = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(redirect_to_login(target)["Location"])
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SessionSlideMiddleware:
    """The idle timeout slides with the user's requests, but the session is written back at most
    once a minute (SESSION_SLIDE_SECONDS) rather than on every request: a session then ends
    between SESSION_COOKIE_AGE minus that minute and SESSION_COOKIE_AGE after the last request,
    and a page costs no write. Placed right after SessionMiddleware, which saves what this marks."""

    KEY = "_slid_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or response.status_code >= 500:
            return response
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= settings.SESSION_SLIDE_SECONDS:
            session[self.KEY] = now
        return response
