"""The audit trail (AUTH-13): every other service calls ``audit_record``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction

from ..actor import Actor
from ..models import AuditEvent


def audit_record(
    *,
    actor: Actor,
    action: str,
    now: datetime,
    subscriber: Any = None,
    client: Any = None,
    obj: models.Model | None = None,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the transaction of the change it records, so that both
    commit or neither does. ``details`` must never hold a secret (password, code, PUK)."""
    if client is None and subscriber is not None:
        client = subscriber.account.client
    if not transaction.get_connection().in_atomic_block:
        # An audit row on its own is still written; a change without a transaction is a bug
        # that tests catch by asserting the event exists only when the change does.
        pass
    return AuditEvent.objects.create(
        at=now,
        actor=actor.user,
        actor_label=actor.display[:120],
        client=client,
        subscriber=subscriber,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        channel=actor.channel,
        ip=actor.ip,
        user_agent=actor.user_agent,
        outcome=outcome,
        details=details or {},
    )
