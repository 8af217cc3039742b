"""ISSA settings, read from environment variables (12-factor) with safe embedded defaults.

Without any variable set, the product runs on SQLite in ``var/`` with the database-backed queue,
cache and sessions: one command on a laptop. Production sets ``ISSA_ENV=production`` (see
``issa/config/production.py`` for what that tightens).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ISSA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


ISSA_ENV = os.environ.get("ISSA_ENV", "development")  # development | test | production
DEBUG = env_bool("DEBUG", ISSA_ENV == "development")

# The development key is only ever used on a laptop; production refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-issa-key-change-me-in-production-0123456789")
# Key for encrypting SIM secrets (PIN/PUK) and sensitive SMS at rest; derived from SECRET_KEY
# when not given so that the embedded mode needs no extra setting.
ISSA_FIELD_KEY = os.environ.get("ISSA_FIELD_KEY", "")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "issa.backoffice.adminsite.StaffAdminConfig",  # django.contrib.admin, every page behind 2FA (ADR 0009)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_q",
    "django_otp",  # staff second factor (ADR 0009)
    "django_otp.plugins.otp_totp",
    # ISSA bounded contexts, one app each (ARCHITECTURE.md)
    "issa.core",
    "issa.customers",
    "issa.catalog",
    "issa.subscribers",
    "issa.identity",
    "issa.access",
    "oauth2_provider",  # OpenID Connect provider for partner sign-in (AUTH-14, ADR 0005)
    "issa.sso",
    "issa.rating",
    "issa.usage",
    "issa.billing",
    "issa.payments",
    "issa.acquirer",
    "issa.finance",
    "issa.orders",
    "issa.numbering",
    "issa.support",
    "issa.backoffice",  # staff roles, 2FA and the one-page subscriber view (ADR 0009)
    "issa.notifications",
    "issa.ussd",
    "issa.portal",
    "issa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() for staff 2FA (ADR 0009)
    "issa.access.middleware.AccessGuardMiddleware",  # AUTH-10/11/12: closed access ends sessions
    "django.contrib.messages.middleware.MessageMiddleware",
    "issa.identity.middleware.IdleSessionMiddleware",  # AUTH-9
    "issa.identity.middleware.PasswordChangeRequiredMiddleware",  # AUTH-8
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "issa.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "issa.config.urls"
WSGI_APPLICATION = "issa.config.wsgi.application"
ASGI_APPLICATION = "issa.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "issa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "issa.portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'issa.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while the other writes; IMMEDIATE takes the
        # write lock at BEGIN so that two writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": os.environ.get("ISSA_SQLITE_TEST_NAME", "")} if os.environ.get("ISSA_SQLITE_TEST_NAME") else {}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A database cache is shared by the web server and the worker, which rate limits need.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "issa_cache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 15 * 60  # AUTH-9 idle timeout, renewed on every request below
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = ["issa.identity.hashers.Argon2idOwaspHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "issa.identity.validators.OperatorPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # staff TOTP keys and QR codes are never shown again in the admin (ADR 0009)

# --- Partner sign-in: OpenID Connect provider (AUTH-14, docs/adr/0005-oidc.md) ------------
from issa.sso.keys import oidc_rsa_private_key  # noqa: E402  (settings helper, no models)

# Named explicitly so that migrations of issa.sso can depend on the (swappable) model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": oidc_rsa_private_key(
        var_dir=VAR_DIR, environ=os.environ, generate=ISSA_ENV != "production"
    ),
    "OIDC_ISS_ENDPOINT": os.environ.get("OIDC_ISS_ENDPOINT", ""),  # derived from the request if empty
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],  # code flow only: no implicit, no hybrid
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "issa.sso.validators.IssaOAuth2Validator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name", "phone": "Phone number"},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",  # consent is remembered by issa.sso, not by live tokens
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if ISSA_ENV == "production" else ["http", "https"],
    # RFC 9700 (OAuth 2.0 Security BCP): every gate on.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("be", _("Belarusian")), ("en", _("English"))]
# One catalogue per area (issa/locale/<area>/<lang>/LC_MESSAGES/django.po) so that areas
# translate their own strings without touching each other's files.
LOCALE_PATHS = sorted(p for p in (BASE_DIR / "issa" / "locale").glob("*") if p.is_dir())
TIME_ZONE = "Europe/Minsk"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Usage import (BSS-2): worker processes one usage file is split between, on PostgreSQL (ADR 0006).
ISSA_USAGE_IMPORT_WORKERS = int(os.environ.get("ISSA_USAGE_IMPORT_WORKERS", "2"))

# --- Queue (ADR 0002: django-q2 on the ORM broker, persistent on SQLite and PostgreSQL) -----
Q_CLUSTER = {
    "name": "issa",
    "orm": "default",
    "workers": int(os.environ.get("ISSA_WORKERS", "2")),
    "timeout": 600,
    "retry": 720,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "poll": 0.5,
    "sync": env_bool("ISSA_QUEUE_SYNC", False),
    "label": "Очередь задач",
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ISSA <noreply@issa.example>")

# --- SMS ------------------------------------------------------------------------------------
# The adapter that delivers the SMS outbox: "outbox" keeps messages for the virtual phone.
ISSA_SMS_BACKEND = os.environ.get("ISSA_SMS_BACKEND", "issa.notifications.backends.OutboxSmsBackend")

# --- USSD gateway ---------------------------------------------------------------------------
# Shared secret the USSD gateway sends in the X-Ussd-Token header.
ISSA_USSD_TOKEN = os.environ.get("ISSA_USSD_TOKEN", "dev-ussd-token")

# --- Card acquirer (FIN-5) ------------------------------------------------------------------
# The acquirer's hosted payment page and API (the sandbox acquirer under /sandbox-acquirer/ by
# default), our merchant id there and the shared secret that signs requests and callbacks.
ISSA_ACQUIRER_URL = os.environ.get("ISSA_ACQUIRER_URL", "/sandbox-acquirer/")
ISSA_ACQUIRER_MERCHANT = os.environ.get("ISSA_ACQUIRER_MERCHANT", "issa-dev")
ISSA_ACQUIRER_SECRET = os.environ.get("ISSA_ACQUIRER_SECRET", "dev-acquirer-secret-change-me")
# Where the acquirer sends callbacks and returns browsers: ISSA's own public base URL.
ISSA_PUBLIC_URL = os.environ.get("ISSA_PUBLIC_URL", "http://127.0.0.1:8000")
# The sandbox acquirer (development and demo only): served when not in production.
ISSA_SANDBOX_ACQUIRER = env_bool("ISSA_SANDBOX_ACQUIRER", ISSA_ENV != "production")
ISSA_SANDBOX_DELAY_SECONDS = int(os.environ.get("ISSA_SANDBOX_DELAY_SECONDS", "10"))

# --- Product switches -----------------------------------------------------------------------
# The virtual phone is a development and demo tool; production never serves it.
ISSA_VIRTUAL_PHONE = env_bool("ISSA_VIRTUAL_PHONE", ISSA_ENV != "production")
ISSA_PUBLIC_HOST = os.environ.get("ISSA_PUBLIC_HOST", "127.0.0.1:8000")

# The operator's published rules (SPEC numbers in bold) live in one place: issa/core/rules.py
# reads its defaults from there and lets ISSA_RULES override any of them.
ISSA_RULES: dict[str, object] = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "issa.core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if ISSA_ENV == "production":
    from .production import *  # noqa: F403
