"""One-time SMS codes (AUTH-2): 6 random digits, stored as a keyed hash bound to the number and
the purpose, single use, valid ``OTP_TTL_SECONDS``, ``OTP_MAX_ATTEMPTS`` wrong tries, a new code only
``OTP_RESEND_SECONDS`` after the last one, daily caps per number and per IP.

The SMS is WebOTP-shaped (last line ``@host #code``) so that phones fill the code in.
A code requested for a number the operator does not serve is recorded but never sent, so the
answer does not tell which numbers exist.

Other flows that need "additional authentication" (e.g. call detail, PIN/PUK display) use the
``step_up`` purpose: ``otp_send(msisdn=…, purpose=OtpChallenge.Purpose.STEP_UP, actor=…, now=…)``
then ``otp_verify(…)`` outside their own atomic block; a wrong code raises ``otp_invalid``.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import crypto, rules
from issa.core.errors import DomainError, ErrorKind

from ..actor import Actor
from ..models import OtpChallenge
from . import limits
from .audit import audit_record

Purpose = OtpChallenge.Purpose


def _hash(*, msisdn: str, purpose: str, code: str) -> str:
    return crypto.keyed_hash(f"{purpose}:{msisdn}:{code}", "otp")


def public_host() -> str:
    """The host of ``ISSA_PUBLIC_HOST`` without port or scheme, as WebOTP wants it."""
    raw = settings.ISSA_PUBLIC_HOST
    return urlsplit(raw if "//" in raw else f"//{raw}").hostname or raw


def sms_text(*, code: str, purpose: str) -> str:
    """The code SMS, in Russian (the subscriber's phone language is not known); the last line is
    the WebOTP binding."""
    with translation.override(settings.LANGUAGE_CODE):
        minutes = int(rules.get("OTP_TTL_SECONDS")) // 60
        if purpose == Purpose.LOGIN:
            head = gettext("ISSA login code: %(code)s.")
        elif purpose == Purpose.RECOVER:
            head = gettext("ISSA password recovery code: %(code)s.")
        elif purpose == Purpose.STEP_UP:
            head = gettext("ISSA confirmation code: %(code)s.")
        else:
            head = gettext("ISSA registration code: %(code)s.")
        tail = gettext("Valid %(minutes)s min. Do not tell it to anyone.")
        body = f"{head % {'code': code}} {tail % {'minutes': minutes}}"
    return f"{body}\n\n@{public_host()} #{code}"


def resend_wait(*, msisdn: str, purpose: str, now: datetime) -> int:
    """Seconds until a new code may be requested for this number and purpose (0 = now)."""
    last = OtpChallenge.objects.filter(msisdn=msisdn, purpose=purpose).order_by("-created_at").first()
    if last is None:
        return 0
    ready = last.created_at + timedelta(seconds=int(rules.get("OTP_RESEND_SECONDS")))
    return max(0, math.ceil((ready - now).total_seconds()))


def otp_send(*, msisdn: str, purpose: str, actor: Actor, now: datetime, deliver: bool = True) -> OtpChallenge:
    """Issue a code for ``msisdn`` and ``purpose``; the previous open code of the same flow dies.

    ``deliver=False`` records the request without sending (the number is not served or not
    registered): the caller answers exactly as if it had been sent.
    """
    wait = resend_wait(msisdn=msisdn, purpose=purpose, now=now)
    if wait:
        raise DomainError(
            "otp_resend_too_soon",
            _("A new code can be requested in %(seconds)s s."),
            kind=ErrorKind.RATE_LIMITED,
            seconds=wait,
        )
    day_ago = now - timedelta(days=1)
    if OtpChallenge.objects.filter(msisdn=msisdn, created_at__gte=day_ago).count() >= int(
        rules.get("OTP_DAILY_PER_NUMBER")
    ):
        raise DomainError(
            "otp_daily_limit",
            _("Too many codes were requested for this number today. Try again tomorrow."),
            kind=ErrorKind.RATE_LIMITED,
        )
    if actor.ip and OtpChallenge.objects.filter(ip=actor.ip, created_at__gte=day_ago).count() >= int(
        rules.get("OTP_DAILY_PER_IP")
    ):
        raise DomainError(
            "otp_daily_limit",
            _("Too many codes were requested for this number today. Try again tomorrow."),
            kind=ErrorKind.RATE_LIMITED,
        )
    from issa.notifications.services import sms_send

    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        OtpChallenge.objects.filter(msisdn=msisdn, purpose=purpose, state=OtpChallenge.State.OPEN).update(
            state=OtpChallenge.State.REPLACED
        )
        challenge = OtpChallenge.objects.create(
            msisdn=msisdn,
            purpose=purpose,
            code_hash=_hash(msisdn=msisdn, purpose=purpose, code=code),
            delivered=deliver,
            ip=actor.ip,
            created_at=now,
            expires_at=now + timedelta(seconds=int(rules.get("OTP_TTL_SECONDS"))),
        )
        if deliver:
            sms_send(msisdn=msisdn, text=sms_text(code=code, purpose=purpose), kind="otp", now=now, sensitive=True)
        audit_record(
            actor=actor,
            action="auth.otp_sent",
            now=now,
            obj=challenge,
            details={"purpose": purpose, "msisdn": msisdn},
        )
    return challenge


def _wrong_code() -> DomainError:
    return DomainError("otp_invalid", _("The code is wrong or has expired. Request a new code."), field="code")


def otp_verify(*, msisdn: str, purpose: str, code: str, actor: Actor, now: datetime) -> OtpChallenge:
    """Spend the open code of this flow if ``code`` matches; count a failure otherwise.

    Must run outside an atomic block of the caller: a wrong try is recorded even though the
    error is raised (otherwise a rollback would hand the guesser free tries).
    """
    limits.guard(msisdn=msisdn, ip=actor.ip, now=now)
    code = (code or "").strip()
    challenge = (
        OtpChallenge.objects.filter(msisdn=msisdn, purpose=purpose, state=OtpChallenge.State.OPEN, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    good = (
        challenge is not None
        and challenge.delivered
        and len(code) == 6
        and code.isdigit()
        and crypto.same(challenge.code_hash, _hash(msisdn=msisdn, purpose=purpose, code=code))
    )
    if not good:
        with transaction.atomic():
            if challenge is not None:
                challenge.attempts += 1
                if challenge.attempts >= int(rules.get("OTP_MAX_ATTEMPTS")):
                    challenge.state = OtpChallenge.State.FAILED
                challenge.save(update_fields=["attempts", "state"])
            audit_record(
                actor=actor,
                action="auth.otp_failed",
                now=now,
                outcome="denied",
                details={"purpose": purpose, "msisdn": msisdn},
            )
        limits.record_failure(msisdn=msisdn, ip=actor.ip, now=now)
        raise _wrong_code()
    if challenge is None:  # unreachable: `good` implies a challenge; keeps type checkers honest
        raise _wrong_code()
    updated = OtpChallenge.objects.filter(pk=challenge.pk, state=OtpChallenge.State.OPEN).update(
        state=OtpChallenge.State.USED, used_at=now
    )
    if not updated:  # spent by a concurrent request a moment ago
        raise _wrong_code()
    challenge.state, challenge.used_at = OtpChallenge.State.USED, now
    return challenge
