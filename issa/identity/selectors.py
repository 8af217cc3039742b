"""Reads of identity: the subscriber's own recent logins (AUTH-13) and tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent, User

LOGIN_ACTIONS = (
    "auth.login",
    "auth.login_failed",
    "auth.logout",
    "auth.register",
    "auth.password_changed",
    "auth.password_recovered",
)


def recent_logins(*, user: User, limit: int = 20) -> QuerySet[AuditEvent]:
    """The user's own sign-ins (successful and failed) and password events, newest first."""
    if user.subscriber_id is not None:
        qs = AuditEvent.objects.filter(subscriber_id=user.subscriber_id)
    else:
        qs = AuditEvent.objects.filter(actor=user)
    return qs.filter(action__in=LOGIN_ACTIONS).order_by("-at", "-id")[:limit]
