"""The sandbox acquirer's own signing code (the same published contract as a real acquirer;
kept separate from ISSA's payments app on purpose: the two sides share only the protocol).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def sign_body(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={sign_body(secret=secret, timestamp=timestamp, body=body)}"


def parse_signature_header(header: str) -> tuple[int, str] | None:
    """``(timestamp, v1)`` from ``t=…,v1=…``, or None when the header is malformed."""
    parts: dict[str, str] = {}
    for item in (header or "").split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            parts[name] = value
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return None
    v1 = parts.get("v1", "")
    if len(v1) != 64 or any(c not in "0123456789abcdef" for c in v1):
        return None
    return timestamp, v1


def verify_body(*, secret: str, header: str, body: bytes, now_ts: float, tolerance: int) -> tuple[str, int, str]:
    """``("ok" | "malformed" | "forged" | "stale", timestamp, v1)``. The signature is checked
    before the timestamp so that an attacker learns nothing from the clock."""
    parsed = parse_signature_header(header)
    if parsed is None:
        return "malformed", 0, ""
    timestamp, v1 = parsed
    expected = sign_body(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, v1):
        return "forged", timestamp, v1
    if abs(now_ts - timestamp) > tolerance:
        return "stale", timestamp, v1
    return "ok", timestamp, v1


def sign_params(*, secret: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sig")
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
