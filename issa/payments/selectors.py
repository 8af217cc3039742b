"""Reads of payments, always through their owner (the payer or the subscriber)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from issa.core.money import format_byn, to_roubles

from .models import AutoTopUp, ExpressCard, ExpressCardBatch, LowBalanceAlert, Payment, SavedCard


def payments_of(*, user: Any) -> QuerySet[Payment]:
    """Card payments this user made (to any number) and those to their own number."""
    own = Payment.objects.filter(payer=user)
    subscriber_id = getattr(user, "subscriber_id", None)
    if subscriber_id is not None:
        own = own | Payment.objects.filter(subscriber_id=subscriber_id)
    return own.select_related("receipt").order_by("-created_at", "-id")


def payment_of(*, user: Any, public_id: Any) -> Payment | None:
    return payments_of(user=user).filter(public_id=public_id).first()


def _input(kopecks: int) -> str:
    return str(to_roubles(kopecks)).replace(".", ",")


def settings_of(*, subscriber: Any) -> dict[str, Any]:
    alert = LowBalanceAlert.objects.filter(subscriber=subscriber).first()
    auto = AutoTopUp.objects.filter(subscriber=subscriber).first()
    card = SavedCard.objects.filter(subscriber=subscriber, active=True).order_by("-created_at").first()
    return {
        "alert": alert,
        "alert_threshold": _input(alert.threshold) if alert else "",
        "auto": auto,
        "auto_threshold": _input(auto.threshold) if auto else "",
        "auto_amount": _input(auto.amount) if auto else "",
        "card": card,
        "card_display": f"•••• {card.last4}" if card else "",
        "alert_display": format_byn(alert.threshold) if alert else "",
    }


def express_batch_counts(*, batch: ExpressCardBatch, now: datetime) -> dict[str, int]:
    """A batch's cards by fate (FIN-4), in one query: ``issued``, ``redeemed`` (and
    ``redeemed_sum``, kopecks), ``voided``, ``expired`` (active after the batch's last day) and
    ``remaining`` (active and still valid). issued = redeemed + voided + expired + remaining."""
    state = ExpressCard.State
    counts = ExpressCard.objects.filter(batch=batch).aggregate(
        issued=Count("pk"),
        redeemed=Count("pk", filter=Q(state=state.REDEEMED)),
        redeemed_sum=Sum("face_value", filter=Q(state=state.REDEEMED), default=0),
        voided=Count("pk", filter=Q(state=state.VOID)),
        active=Count("pk", filter=Q(state=state.ACTIVE)),
    )
    active = counts.pop("active")
    expired = batch.expired(now=now)
    counts["expired"] = active if expired else 0
    counts["remaining"] = 0 if expired else active
    return counts
