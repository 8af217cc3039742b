"""Writes to the ledger. The only way money moves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind

from .models import LedgerEntry


def ledger_post(
    *,
    account: Any,
    amount: int,
    kind: str,
    reason: str,
    idempotency_key: str,
    now: datetime,
    effective_at: datetime | None = None,
    subscriber: Any = None,
    details: dict[str, Any] | None = None,
) -> tuple[LedgerEntry, bool]:
    """Book ``amount`` kopecks on ``account`` once per ``idempotency_key``.

    Returns ``(entry, created)``: a second call with the same key writes nothing and returns the
    first entry, provided it books the same thing; a different amount or account under a used key
    is a programming error and raises.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("ledger amounts are int kopecks")
    if amount == 0:
        raise DomainError("ledger_zero_amount", _("An entry of zero moves no money."))
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                account=account,
                subscriber=subscriber,
                amount=amount,
                kind=kind,
                reason=reason[:255],
                idempotency_key=idempotency_key,
                effective_at=effective_at or now,
                booked_at=now,
                details=details or {},
            )
    except IntegrityError:
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        if existing.account_id != account.pk or existing.amount != amount:
            raise DomainError(
                "ledger_key_reused",
                _("This operation was already booked with other terms."),
                kind=ErrorKind.CONFLICT,
            ) from None
        return existing, False
    return entry, True
