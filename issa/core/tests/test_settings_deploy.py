"""Production settings: ``check --deploy`` is clean, and the process refuses to start unsafe.

Settings are read once per process, so each production case runs ``manage.py`` in a subprocess
with its own environment (nothing of the test run's own environment leaks in)."""

from __future__ import annotations

import functools
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
ALPHABET = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def random_key(length: int = 60) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


@functools.cache
def oidc_key() -> str:
    """Production also needs the OIDC signing key in the environment (issa/sso/keys.py)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    }
    clean.update(
        ISSA_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        OIDC_RSA_PRIVATE_KEY=oidc_key(),
    )
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_production_check_deploy_passes_with_no_warning(tmp_path: Path):
    result = manage(
        tmp_path, "check", "--deploy", ISSA_ENV="production", SECRET_KEY=random_key(), ALLOWED_HOSTS="issa.example"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr.upper(), result.stderr


def test_production_settings_are_the_tight_ones(tmp_path: Path):
    script = (
        "from django.conf import settings as s; from django.urls import get_resolver;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS,"
        " s.ISSA_VIRTUAL_PHONE, s.ISSA_USSD_TOKEN == 'dev-ussd-token', len(s.ISSA_USSD_TOKEN) >= 32,"
        " any(str(p.pattern) == 'phone/' for p in get_resolver().url_patterns))"
    )
    result = manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        script,
        ISSA_ENV="production",
        SECRET_KEY=random_key(),
        ALLOWED_HOSTS="issa.example",
    )
    assert result.returncode == 0, result.stderr
    # no debug, secure cookies, HTTPS, our host only, no virtual phone, no development gateway token
    expected = ["False", "True", "True", "True", "['issa.example']", "False", "False", "True", "False"]
    assert result.stdout.split() == expected


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "issa.example"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "issa.example", "SECRET_KEY": "short-key"}, "SECRET_KEY"),
        (
            {"ALLOWED_HOSTS": "issa.example", "SECRET_KEY": "dev-insecure-issa-key-change-me-in-production-0123456789"},
            "SECRET_KEY",
        ),
        ({"ALLOWED_HOSTS": "issa.example", "SECRET_KEY": "a" * 60}, "SECRET_KEY"),
        ({"SECRET_KEY": random_key()}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key_or_hosts(
    tmp_path: Path, env: dict[str, str], complaint: str
):
    result = manage(tmp_path, "check", ISSA_ENV="production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Production needs {complaint}" in result.stderr


@pytest.mark.django_db
def test_portal_responses_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline scripts
    assert directives["style-src"] == "'self'"  # no inline styles
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_never_keeps_the_development_acquirer_secret(tmp_path: Path):
    """A callback signed with the published development secret must not credit money in production."""
    script = (
        "from django.conf import settings as s;"
        "print(s.ISSA_ACQUIRER_SECRET.startswith('dev-'), len(s.ISSA_ACQUIRER_SECRET) >= 32)"
    )
    result = manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        script,
        ISSA_ENV="production",
        SECRET_KEY=random_key(),
        ALLOWED_HOSTS="issa.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
