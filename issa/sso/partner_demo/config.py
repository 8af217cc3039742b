"""The demo partner's own configuration: its client id and secret, as a real partner would keep
them. ISSA's demo loader reads ``CLIENT_ID`` and ``client_secret()`` to register the partner,
which is the direction a real registration takes (the partner hands over its redirect URI, the
operator issues the credentials)."""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings

CLIENT_ID = "melofon-demo"
NAME = "Мелофон"
CALLBACK_PATH = "/melofon/callback"


def client_secret() -> str:
    """``MELOFON_CLIENT_SECRET`` if set; else derived from SECRET_KEY, so that the registration and
    the partner agree without the secret being written anywhere in plain text."""
    explicit = os.environ.get("MELOFON_CLIENT_SECRET", "")
    if explicit:
        return explicit
    return hmac.new(settings.SECRET_KEY.encode(), b"melofon-demo-client-secret", hashlib.sha256).hexdigest()


def issa_url(request_origin: str) -> str:
    """ISSA's base URL as the partner reaches it: ``MELOFON_ISSA_URL``, else the origin the demo
    is served from (the demo partner runs beside ISSA)."""
    return os.environ.get("MELOFON_ISSA_URL", "").rstrip("/") or request_origin.rstrip("/")


def redirect_uris(public_host: str) -> list[str]:
    """The callback URIs to register for a host (``127.0.0.1:8000`` and its ``localhost`` twin)."""
    hosts = [public_host]
    if public_host.startswith("127.0.0.1"):
        hosts.append(public_host.replace("127.0.0.1", "localhost", 1))
    return [f"http://{host}{CALLBACK_PATH}" for host in hosts]
