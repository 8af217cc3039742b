"""Reads of the number pool (SVC-6): offered numbers, search by mask and category, reservations,
and which subscriber held a number at a given time (for late usage records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from issa.catalog.models import NumberCategory
from issa.core import rules
from issa.core.money import to_kopecks

from .models import NumberAssignment, PoolNumber
from .patterns import Mask

State = PoolNumber.State


def available_q(now: datetime) -> Q:
    """Numbers anyone may take now: free, or reserved by someone whose short reservation ran out
    (an order's hold never runs out by time: the order releases it)."""
    return Q(state=State.FREE) | Q(state=State.RESERVED, order_ref="", reserved_until__lte=now)


def categories() -> list[NumberCategory]:
    """Платиновый … Простой with their prices, the most precious first."""
    return list(NumberCategory.objects.order_by("rank", "code"))


def category_price_kopecks(category: NumberCategory) -> int:
    return to_kopecks(Decimal(category.price))


def numbers_offered(
    *, now: datetime, category: str | None = None, mask: Mask | None = None, exclude_subscriber: int | None = None
) -> QuerySet[PoolNumber]:
    """Numbers one may choose now, filtered by category code and mask; cheapest-looking first
    would hide the interesting ones, so the order is by category rank, then number."""
    qs = PoolNumber.objects.filter(available_q(now)).select_related("category")
    if category:
        qs = qs.filter(category__code=category)
    if mask is not None:
        if mask.prefix:
            qs = qs.filter(msisdn__startswith=mask.prefix)
        qs = qs.filter(msisdn__regex=mask.regex)  # digits and [0-9] only: see patterns.parse_mask
    return qs.order_by("category__rank", "msisdn")


def page_size() -> int:
    return int(rules.get("NUMBER_OFFER_PAGE_SIZE"))


def reservation_of(*, subscriber_id: int, now: datetime) -> PoolNumber | None:
    """The subscriber's live short reservation (not one held by an order), if any."""
    return (
        PoolNumber.objects.select_related("category")
        .filter(state=State.RESERVED, holder_id=subscriber_id, order_ref="", reserved_until__gt=now)
        .order_by("-changed_at")
        .first()
    )


def held_for_order(*, order_ref: str) -> PoolNumber | None:
    return PoolNumber.objects.select_related("category").filter(state=State.RESERVED, order_ref=order_ref).first()


@dataclass(frozen=True)
class Holder:
    subscriber_id: int
    valid_from: datetime
    valid_to: datetime | None


def subscriber_for_number_at(msisdn: str, at: datetime) -> int | None:
    """The id of the subscriber who had ``msisdn`` at ``at`` (after a change of number, late usage
    records of the old number still belong to the subscriber who had it then). ``None`` when
    the pool's history does not know the number at that time: the caller falls back to
    ``Subscriber.msisdn``."""
    return (
        NumberAssignment.objects.filter(msisdn=msisdn, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .order_by("-valid_from")
        .values_list("subscriber_id", flat=True)
        .first()
    )


def number_history(*, subscriber_id: int) -> list[NumberAssignment]:
    """Every number the subscriber had through a change in ISSA, oldest first."""
    return list(NumberAssignment.objects.filter(subscriber_id=subscriber_id).order_by("valid_from", "pk"))


def holders_of_numbers(msisdns: list[str]) -> dict[str, list[Holder]]:
    """Set-wise form of ``subscriber_for_number_at`` for a batch of usage records (one query):
    for each number, who held it when, through changes made in ISSA. A record of ``msisdn`` at
    ``t`` belongs to the holder whose ``[valid_from, valid_to)`` contains ``t``; numbers never
    changed have no rows here and resolve by ``Subscriber.msisdn``."""
    found: dict[str, list[Holder]] = {}
    rows = (
        NumberAssignment.objects.filter(msisdn__in=sorted(set(msisdns)))
        .order_by("msisdn", "valid_from")
        .values_list("msisdn", "subscriber_id", "valid_from", "valid_to")
    )
    for msisdn, subscriber_id, valid_from, valid_to in rows:
        found.setdefault(msisdn, []).append(Holder(subscriber_id, valid_from, valid_to))
    return found
