"""AUTH-14: the operator registers a real partner; the secret is shown once and stored hashed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import Application

from issa.identity.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sso_register_partner", *args, stdout=out)
    return out.getvalue()


def test_auth_14_register_partner_prints_the_secret_once_and_keeps_only_its_hash() -> None:
    out = run("--client-id", "melofon", "--name", "Мелофон", "--redirect-uri", "https://melofon.example/cb")
    secret = next(line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("client_secret "))
    application: Any = Application.objects.get(client_id="melofon")

    assert len(secret) >= 60
    assert secret not in application.client_secret
    assert check_password(secret, application.client_secret)
    assert application.redirect_uris == "https://melofon.example/cb"
    assert application.skip_authorization is False

    again = run(
        "--client-id", "melofon", "--name", "Мелофон", "--redirect-uri", "https://melofon.example/cb",
        "--redirect-uri", "https://melofon.example/cb2",
    )  # fmt: skip
    application.refresh_from_db()

    assert "client_secret" not in again
    assert check_password(secret, application.client_secret)  # the secret stays
    assert application.redirect_uris.split() == ["https://melofon.example/cb", "https://melofon.example/cb2"]
    assert AuditEvent.objects.filter(action="sso.partner_registered").count() == 1
    assert AuditEvent.objects.filter(action="sso.partner_updated").count() == 1


def test_auth_14_register_partner_refuses_a_bad_redirect_uri_and_writes_nothing() -> None:
    with pytest.raises(CommandError):
        run("--client-id", "bad", "--name", "Bad", "--redirect-uri", "javascript:alert(1)")

    assert not Application.objects.filter(client_id="bad").exists()
    assert not AuditEvent.objects.filter(action__startswith="sso.partner_").exists()
