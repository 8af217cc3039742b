"""Staff login with a second factor (ADR 0009): the password step's limits and audit, the TOTP
check with django-otp's throttling, enrolment of a staff member's first TOTP device.

Never log or audit a code, a secret or a password: the audit details say which step failed and
how many failures in a row the device has, nothing else.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.services import audit_record, limits

ISSUER = "ISSA"
DEVICE_NAME = "ISSA"


def limit_key(login: str) -> str:
    """The password step's failure counter, apart from subscribers' numbers."""
    return f"staff:{login.strip().lower()[:64]}"


def staff_user(login: str) -> User | None:
    return User.objects.filter(login=login.strip(), is_staff=True).first()


def staff_password_failed(*, login: str, actor: Actor, now: datetime) -> None:
    """A wrong login or password on /staff/: counted (lockout per login and IP) and audited.
    The typed login is recorded only when it is a staff login (never a mistyped password)."""
    user = staff_user(login)
    with transaction.atomic():
        audit_record(
            actor=Actor(
                channel=actor.channel,
                user=None,
                ip=actor.ip,
                user_agent=actor.user_agent,
                label=f"staff login {user.login}" if user is not None else "staff login (unknown)",
            ),
            action="staff.login_failed",
            now=now,
            obj=user,
            outcome="denied",
            details={"step": "password"},
        )
    limits.record_failure(msisdn=limit_key(login), ip=actor.ip, now=now)


def staff_password_passed(*, login: str) -> None:
    limits.record_success(msisdn=limit_key(login))


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The staff member's unconfirmed TOTP device, made on the first visit of the enrolment page
    and shown again (same secret) until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it by hand, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    """``otpauth://totp/ISSA:<login>?…`` (Google's Key Uri Format) for the QR code."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


@dataclass(frozen=True)
class TotpResult:
    ok: bool
    device: TOTPDevice | None = None
    locked_until: datetime | None = None  # throttled: no code is checked before this time


def staff_totp_verify(*, user: User, device: TOTPDevice, token: str, actor: Actor, now: datetime) -> TotpResult:
    """Check a 6-digit code against the staff member's device (confirmed, or the one being
    enrolled), under django-otp's throttling: after n failures in a row the device takes no code
    for 2^(n-1) seconds, and a code inside that delay is not even checked. A used code is not
    accepted twice (``last_t``). Success confirms an enrolling device; everything is audited."""
    as_user = Actor(channel=actor.channel, user=user, ip=actor.ip, user_agent=actor.user_agent)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if locked is None:
            return TotpResult(ok=False)
        enrolling = not locked.confirmed
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            audit_record(
                actor=as_user,
                action="staff.login_failed",
                now=now,
                obj=locked,
                outcome="denied",
                details={"step": "totp", "throttled": True, "failures": locked.throttling_failure_count},
            )
            return TotpResult(ok=False, locked_until=(info or {}).get("locked_until"))
        token = "".join(token.split())
        ok = token.isdigit() and len(token) == locked.digits and locked.verify_token(token)
        if not ok:
            if not (token.isdigit() and len(token) == locked.digits):
                locked.throttle_increment(commit=True)  # a malformed code counts like a wrong one
            audit_record(
                actor=as_user,
                action="staff.login_failed",
                now=now,
                obj=locked,
                outcome="denied",
                details={"step": "enrol" if enrolling else "totp", "failures": locked.throttling_failure_count},
            )
            return TotpResult(ok=False)
        if enrolling:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            audit_record(actor=as_user, action="staff.totp_enrolled", now=now, obj=locked)
        audit_record(actor=as_user, action="staff.login", now=now, obj=locked, details={"enrolled": enrolling})
        return TotpResult(ok=True, device=locked)


def totp_code(device: Any, at: float | None = None) -> str:
    """The device's code at a time (now by default): for tests and the demo's code display only."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
