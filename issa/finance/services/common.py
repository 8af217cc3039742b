"""Helpers shared by the finance services: the account lock and the prepaid guard after a change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from issa.customers.models import Account


def lock_account(account_id: int) -> Account:
    """Lock the account row for the rest of the transaction, so that checks of its limits and
    balance and the entries that follow them are serialised (PostgreSQL; SQLite locks the file)."""
    return Account.objects.select_for_update().get(pk=account_id)


def guard(account_ids: list[int], now: datetime) -> None:
    """The prepaid guard (BSS-3) after any change of a prepaid balance."""
    from issa.billing.guard import prepaid_guard

    prepaid_guard(account_ids=account_ids, now=now)


def subscriber_user(subscriber: Any) -> Any:
    """The ISSA user of a number (for pending requests), or None."""
    from issa.identity.models import User

    return User.objects.filter(subscriber=subscriber).first()
