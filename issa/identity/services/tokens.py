"""Bearer tokens for the operator's mobile app: a random secret shown once, stored as a keyed
hash, expiring after ``API_TOKEN_TTL_DAYS``, revocable one by one by its owner, all at once at a
password change. Every request re-asks the access app (AUTH-10..12: closed means closed)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from issa.core import crypto, rules
from issa.core.errors import not_found

from ..actor import Actor
from ..models import ApiToken, User
from .access_hook import ensure_access
from .audit import audit_record
from .pending import api_session_key, pending_cancel_for_session

PREFIX = "issa_"


def _hash(raw: str) -> str:
    return crypto.keyed_hash(raw, "api-token")


def token_create(*, user: User, name: str, actor: Actor, now: datetime) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=(name or "")[:80],
            token_hash=_hash(raw),
            prefix=raw[: len(PREFIX) + 4],
            created_at=now,
            expires_at=now + timedelta(days=int(rules.get("API_TOKEN_TTL_DAYS"))),
            ip=actor.ip,
        )
        audit_record(actor=actor, action="auth.token_created", now=now, subscriber=user.subscriber, obj=token)
    return token, raw


def token_authenticate(*, raw: str, now: datetime) -> ApiToken | None:
    """The live token for ``raw`` (None otherwise). DomainError when ISSA is closed for the number."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 128:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__subscriber")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ensure_access(subscriber=token.user.subscriber)
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_of(*, user: User, now: datetime) -> list[ApiToken]:
    """The user's live tokens, newest first."""
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now))


def token_revoke(*, user: User, token_id: int, actor: Actor, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens; another's id is "not found"."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None or token.revoked_at is not None:
            raise not_found()
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        pending_cancel_for_session(session_key=api_session_key(token), reason="logout", now=now)
        audit_record(actor=actor, action="auth.token_revoked", now=now, subscriber=user.subscriber, obj=token)
    return token


def tokens_revoke_all(*, user: User, now: datetime) -> int:
    """Password changed or recovered: every token of the user dies."""
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in live:
        pending_cancel_for_session(session_key=api_session_key(token), reason="password_changed", now=now)
    return ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
