"""What production mode tightens; imported at the end of settings when ISSA_ENV=production.

``ISSA_ENV=production SECRET_KEY=… ALLOWED_HOSTS=issa.example manage.py check --deploy`` passes
with no warning under these settings (issa/core/tests/test_settings_deploy.py runs it). The
process refuses to start without a real SECRET_KEY or an explicit ALLOWED_HOSTS, rather than
run with a guessable key or answer for any host. TLS ends at the reverse proxy, which sets
X-Forwarded-Proto; the application redirects plain HTTP and sends HSTS.
"""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("dev-", "django-insecure")):
    raise ImproperlyConfigured("Production needs SECRET_KEY: 50+ random characters.")

if not os.environ.get("ALLOWED_HOSTS", "").strip():
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS: the comma-separated host names it serves.")
ALLOWED_HOSTS = [h.strip() for h in os.environ["ALLOWED_HOSTS"].split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", ",".join(f"https://{h}" for h in ALLOWED_HOSTS)).split(",") if o
]

# --- HTTPS behind the reverse proxy ------------------------------------------------------------
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may come over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Cookies: secure, host-only (__Host- prefix), not readable by scripts -----------------------
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-issa_session"
CSRF_COOKIE_NAME = "__Host-issa_csrf"

# --- Development tools are off ---------------------------------------------------------------
ISSA_VIRTUAL_PHONE = False

# --- Gateway token: without a configured one, a random token nobody knows closes the gateway ---
ISSA_USSD_TOKEN = os.environ.get("ISSA_USSD_TOKEN", "")
if not ISSA_USSD_TOKEN or ISSA_USSD_TOKEN.startswith("dev-"):
    ISSA_USSD_TOKEN = secrets.token_urlsafe(32)  # documented in README: set it to open the gateway

# --- Acquirer: the development secret would let anyone forge a payment callback ---------------
ISSA_ACQUIRER_SECRET = os.environ.get("ISSA_ACQUIRER_SECRET", "")
if not ISSA_ACQUIRER_SECRET or ISSA_ACQUIRER_SECRET.startswith("dev-"):
    ISSA_ACQUIRER_SECRET = secrets.token_urlsafe(32)  # no callback verifies until the real one is set

# --- Static files: hashed names and compressed copies made by ``manage.py collectstatic`` -----
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
