"""Reads of the ledger."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet, Sum

from .models import LedgerEntry


def account_balance(*, account_id: int, at: datetime | None = None) -> int:
    """The balance in kopecks: the sum of the account's entries (up to ``at`` if given)."""
    qs = LedgerEntry.objects.filter(account_id=account_id)
    if at is not None:
        qs = qs.filter(effective_at__lt=at)
    return int(qs.aggregate(total=Sum("amount"))["total"] or 0)


def account_entries(
    *, account_id: int, since: datetime | None = None, kinds: list[str] | None = None
) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(account_id=account_id)
    if since is not None:
        qs = qs.filter(effective_at__gte=since)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("-effective_at", "-id")
