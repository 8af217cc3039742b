"""Writes of rating state that are not rating itself: closing a billing period."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.core.clock import period_for_key, period_of
from issa.core.errors import DomainError, ErrorKind
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import ClosedPeriod


def period_close(*, key: str, actor: Actor, now: datetime) -> ClosedPeriod:
    """Mark a billing period closed (the bill run of issue 6 calls this when its bills are made).

    From then on, late records of that period are booked as a correction in the next open period.
    Closing twice is harmless; the current or a future period cannot be closed."""
    try:
        period = period_for_key(key)
    except ValueError:
        raise DomainError("period_invalid", _("A period is written YYYY-MM.")) from None
    if period.end > period_of(now).start:
        raise DomainError("period_not_over", _("A period can be closed only after it ended."), kind=ErrorKind.CONFLICT)
    with transaction.atomic():
        closed, created = ClosedPeriod.objects.get_or_create(key=period.key, defaults={"closed_at": now})
        if created:
            audit_record(actor=actor, action="rating.period_closed", now=now, obj=closed, details={"period": key})
    return closed
