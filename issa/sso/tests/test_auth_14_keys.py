"""AUTH-14: the id_token signing key — from the environment, or generated once for the embedded mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from issa.sso.keys import oidc_rsa_private_key


def test_auth_14_embedded_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = oidc_rsa_private_key(var_dir=tmp_path, environ={}, generate=True)
    second = oidc_rsa_private_key(var_dir=tmp_path, environ={}, generate=True)

    key_file = tmp_path / "oidc.key"
    assert first == second
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["oidc.key"]  # no temporary file left


def test_auth_14_key_from_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    pem = "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----"

    key = oidc_rsa_private_key(var_dir=tmp_path, environ={"OIDC_RSA_PRIVATE_KEY": pem}, generate=True)

    assert key == "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"
    assert not (tmp_path / "oidc.key").exists()


def test_auth_14_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured):
        oidc_rsa_private_key(var_dir=tmp_path, environ={}, generate=False)
    assert not (tmp_path / "oidc.key").exists()
