"""The one settings module of Safer Spaces, driven by environment variables.

Production needs only environment variables (see ``docs/operations.md``):
``SAFERSPACES_SECRET_KEY``, ``DATABASE_URL``, ``SAFERSPACES_ALLOWED_HOSTS``, ``EMAIL_URL`` and
``SAFERSPACES_DEFAULT_FROM_EMAIL``. With ``SAFERSPACES_DEBUG=1`` (what ``make run`` sets) the defaults
suit a developer's machine: SQLite in ``var/``, console e-mail, a development secret key.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from saferspaces.core import limits
from saferspaces.envvars import (
    EnvError,
    env_bool,
    env_choice,
    env_int,
    env_int_list,
    env_list,
    env_networks,
    env_path,
    env_str,
    env_url,
)
from saferspaces.languages import LanguageFileError, language_settings

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
TESTING = "pytest" in sys.modules


def _email_settings(url: str) -> dict[str, object]:
    """Turn ``EMAIL_URL`` (console://, smtp://user:pw@host:587?tls=1, smtps://...) into settings."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    query = parse_qs(parts.query)
    if not parts.hostname:
        raise EnvError("EMAIL_URL", url, "smtp://[user:password@]host[:port][?tls=1]")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in ("1", "true", "yes"),
    }


try:
    DEBUG = env_bool("SAFERSPACES_DEBUG", False)
    _DEV_DEFAULTS = DEBUG or TESTING
    SECRET_KEY = env_str(
        "SAFERSPACES_SECRET_KEY",
        "dev-only-insecure-key-do-not-use-in-production" if _DEV_DEFAULTS else None,
    )
    if not _DEV_DEFAULTS and len(SECRET_KEY) < 32:
        raise EnvError("SAFERSPACES_SECRET_KEY", "***", "at least 32 random characters")
    ALLOWED_HOSTS = env_list(
        "SAFERSPACES_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if _DEV_DEFAULTS else None
    )
    if not ALLOWED_HOSTS:
        raise EnvError("SAFERSPACES_ALLOWED_HOSTS", "", "a comma-separated list of host names")
    CSRF_TRUSTED_ORIGINS = env_list("SAFERSPACES_CSRF_TRUSTED_ORIGINS", [])
    _default_db = f"sqlite:///{PROJECT_DIR / 'var' / 'saferspaces.sqlite3'}"
    DATABASE_URL = env_url(
        "DATABASE_URL",
        _default_db if _DEV_DEFAULTS else None,
        schemes=("sqlite", "postgres", "postgresql"),
    )
    _email = _email_settings(
        env_url(
            "EMAIL_URL",
            "console://" if _DEV_DEFAULTS else None,
            schemes=("console", "locmem", "smtp", "smtps"),
        )
    )
    DEFAULT_FROM_EMAIL = env_str(
        "SAFERSPACES_DEFAULT_FROM_EMAIL", "Safer Spaces <noreply@localhost>"
    )
    SERVER_EMAIL = DEFAULT_FROM_EMAIL
    SITE_URL = env_url(
        "SAFERSPACES_SITE_URL",
        "http://127.0.0.1:8000" if _DEV_DEFAULTS else None,
        schemes=("http", "https"),
    )
    INVITATION_DAYS = env_int("SAFERSPACES_INVITATION_DAYS", 14, minimum=1, maximum=90)
    SECURE_HSTS_SECONDS = env_int("SAFERSPACES_HSTS_SECONDS", 0, minimum=0)
    SECURE_SSL_REDIRECT = env_bool("SAFERSPACES_SSL_REDIRECT", False)
    LOG_LEVEL = env_choice(
        "SAFERSPACES_LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    )
    PEER_MINIMUM = env_int("SAFERSPACES_PEER_MINIMUM", 5, minimum=5)
    EVIDENCE_MAX_MB = env_int("SAFERSPACES_EVIDENCE_MAX_MB", 20, minimum=1)
    # days before a round's deadline when its teams are reminded (saferspaces rounds remind)
    REMINDER_DAYS = env_int_list("SAFERSPACES_REMINDER_DAYS", [14, 3], minimum=0, maximum=365)
    STATIC_ROOT = Path(env_path("SAFERSPACES_STATIC_ROOT", str(PROJECT_DIR / "var" / "static")))
    MEDIA_ROOT = Path(env_path("SAFERSPACES_MEDIA_ROOT", str(PROJECT_DIR / "var" / "media")))
    # the reverse proxies whose X-Forwarded-For is believed (saferspaces.accounts.adapter)
    TRUSTED_PROXIES = env_networks("SAFERSPACES_TRUSTED_PROXIES", [])
    SIGNUP_OPEN = env_bool("SAFERSPACES_SIGNUP_OPEN", False)  # else accounts come by invitation
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

globals().update(_email)

INSTALLED_APPS = [
    "saferspaces.web.admin_site.SaferSpacesAdminConfig",  # Django's admin, administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "saferspaces.web",  # before allauth: its templates override allauth's layouts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "saferspaces.accounts",
    "saferspaces.authorities",
    "saferspaces.frameworks",
    "saferspaces.scoring",
    "saferspaces.assessments",
    "saferspaces.opendata",
    "saferspaces.charts",
    "saferspaces.results",
    "saferspaces.dashboard",
    "saferspaces.reports",
    "saferspaces.exports",
    "saferspaces.notifications",
    "saferspaces.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "saferspaces.web.middleware.ContentSecurityPolicyMiddleware",
    "saferspaces.web.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saferspaces.web.locale.LanguageMiddleware",  # an offered language, else English
    "django.middleware.common.CommonMiddleware",
    "saferspaces.web.uploads.UploadLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saferspaces.request_memo.RequestMemoMiddleware",  # roles and assignments read once
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "saferspaces.urls"
WSGI_APPLICATION = "saferspaces.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saferspaces.web.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "saferspaces.accounts.adapter.AccountAdapter"
# allauth's limits, merged into its defaults; counted per client address (behind a proxy, the
# address SAFERSPACES_TRUSTED_PROXIES lets us believe) in the database cache shared by all
# workers. Failed log-ins are counted per address *and account* pair: failures elsewhere never
# lock a person out (docs/operations.md, "Log-in limits"). Off under tests, which turn them on.
RATE_LIMITS = {
    "login_failed": "30/5m/ip,10/5m/key",  # key: client address + e-mail (the account adapter)
    "login": "60/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else RATE_LIMITS
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "saferspaces_cache",  # created by the migration accounts 0002
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Safer Spaces"

LANGUAGE_CODE = "en"
# every declared language (a folder locale/<code>/ with its status.yaml), each named in itself;
# pages, e-mails and the menus use the offered ones only (saferspaces/languages.py)
try:
    LANGUAGES = language_settings()
except LanguageFileError as error:
    raise ImproperlyConfigured(str(error)) from None
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates and numbers follow the page's language: "5 December 2026" and "42.4" in English,
# "5 décembre 2026" and "42,4" in French, "5. prosince 2026" in Czech
# (saferspaces/formats/<language>/formats.py, then Django's own locale formats). No thousands
# separator by default: years and codes stay whole.
FORMAT_MODULE_PATH = ["saferspaces.formats"]
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# request bodies over a page's upload limit are refused unread (saferspaces.web.uploads)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.FORM_BODY_MAX_BYTES  # a larger body: the 400 page says why

CSRF_FAILURE_VIEW = "saferspaces.web.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SITE_URL.startswith("https")
CSRF_COOKIE_SECURE = SITE_URL.startswith("https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL_REDIRECT else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING" if TESTING else "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Background work: the task queue (django-tasks with its database backend) ----------------
# Tasks (report PDFs, scoring after a submission, e-mails) are stored in the database and run by
# `saferspaces worker` processes; `immediate` runs each task at once where it is enqueued (the
# test suite's default). See docs/operations.md, "Background work".
try:
    TASKS_MODE = env_choice(
        "SAFERSPACES_TASKS",
        "immediate" if TESTING else "database",
        choices=("database", "immediate"),
    )
    WORKER_LEASE_SECONDS = env_int("SAFERSPACES_WORKER_LEASE_SECONDS", 30, minimum=2, maximum=3600)
    TASK_TIMEOUT_SECONDS = env_int("SAFERSPACES_TASK_TIMEOUT_SECONDS", 900, minimum=10)
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
TASK_ATTEMPTS = 3  # a task is taken at most this many times (a worker stopped during the others)
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "saferspaces.background"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_MODE == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
# open-data imports from Eurostat's dissemination API (None: Eurostat's own address, EUROSTAT_API
# of saferspaces.core.opendata.transport). The test suite points it at a closed local port so that
# no test reaches the internet; the tests of the API path start a local server in its place.
OPENDATA_API_URL: str | None = "http://127.0.0.1:9/eurostat-api" if TESTING else None
# every e-mail goes through the queue (one `email_send` task); the worker delivers it with the
# backend chosen by EMAIL_URL
EMAIL_DELIVERY_BACKEND = str(_email["EMAIL_BACKEND"])
EMAIL_BACKEND = "saferspaces.background.mail.QueuedEmailBackend"
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING" if TESTING else "INFO"}  # type: ignore[index]
