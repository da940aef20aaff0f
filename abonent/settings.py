"""Settings for Abonent. Production parts are switched on by environment variables:
DATABASE_URL (PostgreSQL), REDIS_URL (Celery broker and cache), SECRET_KEY, DEBUG, ALLOWED_HOSTS,
HTTPS and BEHIND_PROXY (secure cookies, HSTS), EMAIL_URL or EMAIL_HOST... (outgoing mail),
SESSION_IDLE_SECONDS, LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES (logging in)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ABONENT_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from the installed package, not a CDN
    "core",
    "subscribers",
    "segments",
    "analytics",
    "comms",
    "sales",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionSlideMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    # Last, so it turns a lock-out flagged anywhere above into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "abonent.urls"
WSGI_APPLICATION = "abonent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 60,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logging in: by username or e-mail; django-axes first, so a locked-out client is refused
# before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.UsernameOrEmailBackend",
]
# Lock-out: LOGIN_FAILURE_LIMIT failed logins for one account from one address, none more than
# LOGIN_LOCKOUT_MINUTES after the one before, lock that pair out until LOGIN_LOCKOUT_MINUTES after
# the last try; a good login or a password reset clears the count; an administrator unlocks in
# the admin (Access attempts: delete the row).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "core.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "core.auth_views.locked_out"

# Sessions end after SESSION_IDLE_SECONDS without a request (8 hours: one shift), not when the
# browser closes: requests move the end forward, written at most once a minute
# (core.middleware.SessionSlideMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(8 * 60 * 60)))
SESSION_SLIDE_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day, and only once

# Security headers, on everywhere.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in the form (and hx-headers), not the cookie
# BEHIND_PROXY=1: a reverse proxy in front sets X-Forwarded-Proto and X-Forwarded-For.
BEHIND_PROXY = os.environ.get("BEHIND_PROXY", "0") == "1"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS=1 in production: redirect to https, HSTS, cookies only over https. Off for the demo.
# HSTS covers this host only, not subdomains nor the preload list (check --deploy W005, W021):
# an operator's other sites on the domain need not be on https.
HTTPS = os.environ.get("HTTPS", "0") == "1"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]


def email_settings(environ) -> dict:
    """Outgoing mail from EMAIL_URL (smtp://user:password@host:port, smtp+tls://… for STARTTLS,
    smtps://… for TLS from the start, console:) or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
    EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL. Neither: mail is printed to the console."""
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    url = environ.get("EMAIL_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme == "console":
            return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if parts.scheme not in ("smtp", "smtp+tls", "smtps"):
            raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r}")
        return {
            "EMAIL_BACKEND": smtp,
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
        }
    if environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": smtp,
            "EMAIL_HOST": environ["EMAIL_HOST"],
            "EMAIL_PORT": int(environ.get("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": environ.get("EMAIL_USE_TLS", "0") == "1",
            "EMAIL_USE_SSL": environ.get("EMAIL_USE_SSL", "0") == "1",
        }
    return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL
globals().update(email_settings(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Abonent <abonent@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfinders.VendorFinder",  # plotly.min.js from the installed plotly package
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# The REST API (docs/api.md): a token (manage.py api_token USERNAME) or the browser's session;
# each viewset checks the model permission the pages check (core.api.ModelPermission).
REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPage",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Abonent API",
    "DESCRIPTION": "The subscriber department's data: subscribers, buildings, tariffs, "
    "the ledger and the billing import.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Background work: Celery with Redis when REDIS_URL is set, otherwise in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The outbox's deferred messages and the claims of dead workers (comms.outbox) are looked at
# every 30 seconds by beat; queued messages are handed over at once (comms.outbox.kick).
CELERY_BEAT_SCHEDULE = {
    "outbox": {"task": "comms.tasks.outbox_dispatch_task", "schedule": 30.0},
    # Each branch's daily sales report goes after 09:00 its time, once (sales.report_mail).
    "sales-daily-report": {"task": "sales.tasks.daily_report_send", "schedule": 900.0},
    # The eve (from 18:00) and morning (from 08:00) SMS of installation visits (sales.schedule).
    "sales-visit-reminders": {"task": "sales.tasks.visit_reminders_send", "schedule": 900.0},
    # Each branch's daily event messages after 10:00 its time, once a day (comms.triggers).
    "comms-triggers": {"task": "comms.tasks.triggers_daily_task", "schedule": 900.0},
    # The billing sources whose daily time (06:00 their time by default) has come.
    "billing-sources": {
        "task": "subscribers.tasks.billing_sources_due_task",
        "schedule": 300.0,
    },
}
# "thread" runs jobs in a daemon thread of the web process (embedded default); "sync" runs them
# inline (tests); "celery" hands them to the workers.
# How messages to subscribers sign and where they send them ({operator}, {support_phone}).
ABONENT_OPERATOR_NAME = os.environ.get("ABONENT_OPERATOR_NAME", "Abonent")
ABONENT_SUPPORT_PHONE = os.environ.get("ABONENT_SUPPORT_PHONE", "+7 800 000-00-00")
# Whose public holidays are days off for the contact rules (an ISO country code: RU, KZ, BY…).
ABONENT_COUNTRY = os.environ.get("ABONENT_COUNTRY", "RU")
# Where gateways reach this server (Kannel's delivery reports come back to it).
ABONENT_PUBLIC_URL = os.environ.get("ABONENT_PUBLIC_URL", "http://127.0.0.1:8000")
# A claim on outbox messages older than this belongs to a worker that died (a live one marks
# each message as it hands it over, many a second).
ABONENT_OUTBOX_LEASE_SECONDS = int(os.environ.get("ABONENT_OUTBOX_LEASE_SECONDS", "60"))
# Connections a worker hands messages over on at once: Kannel answers each sendsms that asks
# for delivery reports in 10–20 ms, so one connection carries 50–100 a second (docs/comms.md).
# SQLite takes one writer at a time: one there.
ABONENT_OUTBOX_THREADS = int(
    os.environ.get(
        "ABONENT_OUTBOX_THREADS",
        "1" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "16",
    )
)
# Tests only: hand the outbox over inline when a message is queued (runner "sync").
ABONENT_OUTBOX_INLINE = False
ABONENT_JOB_RUNNER = os.environ.get("ABONENT_JOB_RUNNER", "celery" if REDIS_URL else "thread")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The covering indexes of the subscriber table (INCLUDE) are PostgreSQL's; on SQLite Django
# builds them without the included columns, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# What a subscriber earns when a friend they referred is connected (3.3.5), in the currency.
ABONENT_REFERRAL_REWARD = os.environ.get("ABONENT_REFERRAL_REWARD", "300")
# The accounts of subscribers connected in Abonent (sales.installer): prefix + digits, the next
# after the largest such account; choose a prefix or range the billing system does not use.
ABONENT_ACCOUNT_PREFIX = os.environ.get("ABONENT_ACCOUNT_PREFIX", "")
ABONENT_ACCOUNT_DIGITS = int(os.environ.get("ABONENT_ACCOUNT_DIGITS", "8"))
ABONENT_ACCOUNT_START = int(os.environ.get("ABONENT_ACCOUNT_START", "1"))
# The public application form (sales.views.public): the sites that may embed it in an iframe
# (CSP frame-ancestors, e.g. "https://www.example-isp.ru"), and its limits against spam.
ABONENT_APPLY_FRAME_ANCESTORS = os.environ.get("ABONENT_APPLY_FRAME_ANCESTORS", "'self'")
# (how many, in how many seconds)
ABONENT_APPLY_LIMIT_PER_IP = (int(os.environ.get("ABONENT_APPLY_LIMIT_PER_IP", "5")), 60 * 60)
ABONENT_APPLY_LIMIT_PER_PHONE = (
    int(os.environ.get("ABONENT_APPLY_LIMIT_PER_PHONE", "3")),
    24 * 60 * 60,
)
