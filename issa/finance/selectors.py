"""Reads of finances: payment history (FIN-1) and the promised-payment list (FIN-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.core import clock, rules

from .models import PromisedPayment
from .services.installments import add_months

# details["source"] of a payment entry -> what people read. Payments (FIN-4/FIN-5) write
# "card", "express_card", "bank", "auto"; the refund of FIN-6 writes "refund".
SOURCES = {
    "card": _("Bank card"),
    "express_card": _("Express payment card"),
    "bank": _("Bank, ERIP"),
    "auto": _("Automatic top-up"),
    "refund": _("Refund of an erroneous payment"),
    "cash": _("Cash, sales centre"),
}


@dataclass(frozen=True)
class HistoryLine:
    id: int
    at: datetime
    amount: int
    source: str
    source_label: str


def history_since(now: datetime) -> datetime:
    """The start of the FIN-1 window: the same local day ``PAYMENT_HISTORY_MONTHS`` months ago
    (the last day of that month when it is shorter), from midnight in Europe/Minsk."""
    today = clock.local_date(now)
    first = add_months(today, -int(rules.get("PAYMENT_HISTORY_MONTHS")))
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return clock.start_of_local_day(first.replace(day=min(today.day, last_day)))


def _source(entry: LedgerEntry) -> str:
    """``details["source"]``; older entries without it are recognised by their other details."""
    details = entry.details or {}
    if details.get("source"):
        return str(details["source"])
    if "express_card" in details:
        return "express_card"
    return "refund" if entry.kind == LedgerEntry.Kind.TRANSFER else "bank"


def payment_history(*, account_id: int, now: datetime) -> list[HistoryLine]:
    """What was credited and when for the last 2 months: payments of every source and refunds
    of erroneous payments received; promised payments are not payments (see FIN-3's list)."""
    entries = (
        LedgerEntry.objects.filter(account_id=account_id, effective_at__gte=history_since(now), effective_at__lte=now)
        .filter(Q(kind=LedgerEntry.Kind.PAYMENT) | Q(kind=LedgerEntry.Kind.TRANSFER, amount__gt=0))
        .order_by("-effective_at", "-id")
    )
    lines = []
    for entry in entries:
        source = _source(entry)
        lines.append(
            HistoryLine(
                id=entry.pk,
                at=entry.effective_at,
                amount=entry.amount,
                source=source,
                source_label=str(SOURCES.get(source, _("Payment"))),  # never a raw code on a subscriber's page
            )
        )
    return lines


def promised_payments(*, account_id: int) -> list[PromisedPayment]:
    return list(PromisedPayment.objects.filter(account_id=account_id).order_by("-created_at", "-id")[:50])
