"""Reads of rating state: what is left of a subscriber's allowances (INFO-2, USSD *100#)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from issa.core.clock import period_of
from issa.subscribers.models import Subscriber

from . import charges
from .models import AllowanceUsage, ClosedPeriod
from .pipeline import Catalogue, RatingContext


@dataclass(frozen=True)
class AllowanceRemaining:
    """One allowance of the current period: ``total``, ``used`` and ``remaining`` in ``unit``
    ("seconds", "pieces" or "bytes"); ``source`` is the plan's or the service's name."""

    kind: str
    source: str
    total: int
    used: int
    remaining: int
    unit: str
    owner: str = "plan"  # "plan" or "service"
    destinations: tuple[str, ...] = ()

    @property
    def percent_used(self) -> int:
        return min(100, self.used * 100 // self.total) if self.total else 0


def remaining_allowances(*, subscriber: Subscriber, now: datetime) -> list[AllowanceRemaining]:
    """The allowances in force at ``now`` (the plan's terms and the connected services' terms)
    with what is used of them in the current billing period, in consumption order (services and
    packages first, then the plan's)."""
    ctx = RatingContext.load(msisdns=[subscriber.msisdn], catalogue=Catalogue.load(), history=False)
    view = ctx.subscriber(subscriber.msisdn)
    if view is None:
        return []
    plan = ctx.plan_version(view, now)
    if plan is None:
        return []
    period = period_of(now)
    used = {row.key: row.used for row in AllowanceUsage.objects.filter(subscriber_id=view.id, period=period.key)}
    result = []
    for spec in ctx.allowances_for(view, plan, now):
        spent = min(used.get(spec.key, 0), spec.quantity)
        result.append(
            AllowanceRemaining(
                kind=spec.kind,
                source=spec.label,
                total=spec.quantity,
                used=spent,
                remaining=spec.quantity - spent,
                unit=charges.UNIT_OF_KIND[spec.kind],
                owner=spec.key[0],
                destinations=tuple(sorted(spec.destinations)),
            )
        )
    return result


def period_is_closed(key: str) -> bool:
    return ClosedPeriod.objects.filter(key=key).exists()
