"""Encryption at rest for secrets that must be shown again (SIM PIN/PUK) and HMAC for those
that must only be checked (one-time codes, tokens)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _key_material(purpose: str) -> bytes:
    base = settings.ISSA_FIELD_KEY or settings.SECRET_KEY
    return hashlib.sha256(f"issa:{purpose}:{base}".encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material("fernet")))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged value") from exc


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of a short secret (a code, a token) under a key per purpose."""
    return hmac.new(_key_material(purpose), value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
