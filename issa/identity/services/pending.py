"""Pending requests (AUTH-9): a multi-step request started in a session that waits for its
confirmation, and is cancelled when the session ends.

How a later flow (promised payment, delivery change, order) uses it::

    from issa.identity.services import pending_start, pending_confirm, pending_cancel

    # step 1, in the view that shows "Подтвердить": remember what is being asked
    req = pending_start(session_key=request.session.session_key, user=request.user,
                        kind="payments.promised", payload={"amount": "3.00"}, actor=actor, now=now)
    # step 2, on "Подтвердить": the request must still be pending, in this very session,
    # not expired, and the session alive; then do the real work with req.payload
    req = pending_confirm(request_id=req_id, user=request.user,
                          session_key=request.session.session_key, actor=actor, now=now)
    # or "Отмена"
    pending_cancel(request_id=req_id, user=request.user, actor=actor, now=now)

From the API, use ``api_session_key(request.api_token)`` as the session key: the request then
ends with the token (logout, revocation, password change, expiry).

Cancelled for you: at logout (``logout``), at a password change (other sessions), on the first
request after an idle timeout (``IdleSessionMiddleware``), and by the periodic job
``identity.pending_sweep`` for sessions that never come back. A request also expires by itself
after ``PENDING_REQUEST_TTL_SECONDS``. Store no secret in ``payload``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind, not_found

from ..actor import Actor
from ..models import PendingRequest, User
from .audit import audit_record

State = PendingRequest.State


API_PREFIX = "api:"  # an API client's "session" is its bearer token: ``api_session_key(token)``


def api_session_key(token: Any) -> str:
    """The session key of a request made with a bearer token (ends when the token ends)."""
    return f"{API_PREFIX}{token.pk}"


def session_alive(session_key: str) -> bool:
    """Whether the session still exists and is logged in (any session engine), or for an API
    key, whether its token is still live."""
    if not session_key:
        return False
    if session_key.startswith(API_PREFIX):
        from django.utils import timezone

        from ..models import ApiToken

        token_id = session_key[len(API_PREFIX) :]
        return (
            token_id.isdigit()
            and ApiToken.objects.filter(
                pk=int(token_id), revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).exists()
        )
    engine: Any = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore(session_key)
    data = store.load()
    return bool(data.get("_auth_user_id"))


def pending_start(
    *,
    session_key: str,
    user: User,
    kind: str,
    payload: dict[str, Any],
    actor: Actor,
    now: datetime,
    ttl_seconds: int | None = None,
) -> PendingRequest:
    if not session_key:
        raise DomainError("session_required", _("Your session has ended. Log in again."), kind=ErrorKind.UNAUTHORIZED)
    ttl = ttl_seconds if ttl_seconds is not None else int(rules.get("PENDING_REQUEST_TTL_SECONDS"))
    with transaction.atomic():
        req = PendingRequest.objects.create(
            session_key=session_key,
            user=user,
            kind=kind,
            payload=payload,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        audit_record(
            actor=actor, action="pending.started", now=now, subscriber=user.subscriber, obj=req, details={"kind": kind}
        )
    return req


def _closed(req: PendingRequest, state: str, reason: str, now: datetime) -> None:
    req.state, req.reason, req.closed_at = state, reason, now
    req.save(update_fields=["state", "reason", "closed_at"])


def pending_confirm(*, request_id: int, user: User, session_key: str, actor: Actor, now: datetime) -> PendingRequest:
    """Confirm a request: only its own session, while pending, not expired, the session alive."""
    with transaction.atomic():
        req = PendingRequest.objects.select_for_update().filter(pk=request_id, user=user).first()
        if req is None:
            raise not_found()
        if req.state == State.PENDING and (req.expires_at <= now or not session_alive(req.session_key)):
            _closed(req, State.EXPIRED, "timeout", now)
            audit_record(actor=actor, action="pending.expired", now=now, subscriber=user.subscriber, obj=req)
        if req.state != State.PENDING or req.session_key != session_key:
            raise DomainError(
                "request_cancelled",
                _("This request was cancelled because the session ended. Start it again."),
                kind=ErrorKind.CONFLICT,
            )
        _closed(req, State.CONFIRMED, "", now)
        audit_record(
            actor=actor,
            action="pending.confirmed",
            now=now,
            subscriber=user.subscriber,
            obj=req,
            details={"kind": req.kind},
        )
    return req


def pending_cancel(*, request_id: int, user: User, actor: Actor, now: datetime, reason: str = "user") -> PendingRequest:
    with transaction.atomic():
        req = PendingRequest.objects.select_for_update().filter(pk=request_id, user=user).first()
        if req is None:
            raise not_found()
        if req.state == State.PENDING:
            _closed(req, State.CANCELLED, reason, now)
            audit_record(
                actor=actor,
                action="pending.cancelled",
                now=now,
                subscriber=user.subscriber,
                obj=req,
                details={"kind": req.kind, "reason": reason},
            )
    return req


def _cancel_queryset(qs: Any, *, reason: str, now: datetime, state: str = State.CANCELLED) -> int:
    count = 0
    actor = Actor.system("AUTH-9 session ended")
    for req in qs.select_related("user", "user__subscriber").select_for_update(of=("self",)):
        _closed(req, state, reason, now)
        audit_record(
            actor=actor,
            action=f"pending.{state}",
            now=now,
            subscriber=req.user.subscriber,
            obj=req,
            details={"kind": req.kind, "reason": reason},
        )
        count += 1
    return count


def pending_cancel_for_session(*, session_key: str, reason: str, now: datetime) -> int:
    """The session ended (logout, idle timeout): every request still pending in it is cancelled."""
    if not session_key:
        return 0
    with transaction.atomic():
        return _cancel_queryset(
            PendingRequest.objects.filter(session_key=session_key, state=State.PENDING), reason=reason, now=now
        )


def pending_cancel_for_user(*, user: User, reason: str, now: datetime, except_session_key: str = "") -> int:
    with transaction.atomic():
        qs = PendingRequest.objects.filter(user=user, state=State.PENDING)
        if except_session_key:
            qs = qs.exclude(session_key=except_session_key)
        return _cancel_queryset(qs, reason=reason, now=now)


def pending_sweep(*, now: datetime) -> int:
    """The periodic job: expire requests past their time, cancel those whose session is gone."""
    done = 0
    with transaction.atomic():
        expired = PendingRequest.objects.filter(state=State.PENDING, expires_at__lte=now)
        done += _cancel_queryset(expired, reason="expired", now=now, state=State.EXPIRED)
    keys = set(PendingRequest.objects.filter(state=State.PENDING).values_list("session_key", flat=True))
    for key in keys:
        if not session_alive(key):
            done += pending_cancel_for_session(session_key=key, reason="session_ended", now=now)
    return done
