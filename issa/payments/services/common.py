"""Helpers shared by the payment services: crediting an account the one way it is done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post


def after_credit(*, account: Any, amount: int, now: datetime) -> None:
    """What follows every real payment: settle an active promised payment (FIN-3, the finance
    app, when installed), unblock a blocked prepaid subscriber (BSS-3), re-arm alerts."""
    import importlib

    try:
        finance = importlib.import_module("issa.finance.services")
    except ImportError:  # the finance app is optional
        finance = None
    settle = getattr(finance, "promised_settle_on_payment", None)
    if settle is not None:
        settle(account=account, amount=amount, now=now)
    from issa.billing.guard import prepaid_guard

    prepaid_guard(account_ids=[account.pk], now=now)
    from .alerts import low_balance_check

    low_balance_check(account_ids=[account.pk], now=now)


def credit(
    *, account: Any, subscriber: Any, amount: int, reason: str, key: str, now: datetime, details: dict[str, Any]
) -> tuple[LedgerEntry, bool]:
    entry, created = ledger_post(
        account=account,
        subscriber=subscriber,
        amount=amount,
        kind=LedgerEntry.Kind.PAYMENT,
        reason=reason,
        idempotency_key=key,
        now=now,
        details=details,
    )
    if created:
        after_credit(account=account, amount=amount, now=now)
    return entry, created


def sms_language() -> Any:
    """SMS go out in the operator's default language (Russian)."""
    return translation.override(settings.LANGUAGE_CODE)


def unique(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids))
