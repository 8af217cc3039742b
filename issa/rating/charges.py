"""Charge models (BSS-3): pure functions from a usage record, a price version and the allowance
state to a charge and the allowance consumed. No database, no clock: the same input always gives
the same output, which is what lets a month of rating be replayed and asserted to the kopeck.

Rounding, stated once (docs/billing-rules.md, ADR 0007):

1. Units first. Calls: per second, or per started minute, as ``PlanTerms.voice_rounding`` says
   (a 61-second call is 61 s or 120 s). Data: per started ``PlanTerms.data_unit_kb`` kilobytes of
   up + down bytes of the session (1 KB = 1024 bytes). SMS and MMS: per piece.
2. Allowances next, in the order given (service packages before the plan's), never below zero:
   a record takes what is left of the first allowance, then of the next, and only the rest is
   charged ("exhaustion mid-call": 40 s left of the package, a 100 s call → 60 s charged).
3. Money last: ``charged units × unit price / units per priced unit`` as an exact Decimal, then
   once to kopecks with ``issa.core.money.to_kopecks`` (half-up). Prices are per minute (60 s),
   per SMS/MMS and per megabyte (1024 × 1024 bytes).

Usage without a price row for its kind, destination and direction (or at a zero price) is free
(incoming calls at home, for instance) and consumes no allowance: an allowance only covers what would cost money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from issa.core.money import to_kopecks

PER_SECOND = "per_second"
PER_MINUTE = "per_minute"
SECONDS_PER_PRICED_UNIT = 60
BYTES_PER_KB = 1024
BYTES_PER_PRICED_MB = 1024 * 1024

VOICE, SMS, MMS, DATA = "voice", "sms", "mms", "data"
UNIT_OF_KIND = {VOICE: "seconds", SMS: "pieces", MMS: "pieces", DATA: "bytes"}
_PRICED_UNIT = {VOICE: SECONDS_PER_PRICED_UNIT, SMS: 1, MMS: 1, DATA: BYTES_PER_PRICED_MB}


@dataclass(frozen=True, slots=True)
class TermsView:
    """What rating needs of a ``PlanTerms`` row."""

    id: int
    voice_rounding: str = PER_SECOND
    data_unit_kb: int = 100


@dataclass(slots=True)
class Bucket:
    """One allowance's state for one subscriber and period: ``total`` units, ``used`` so far."""

    key: tuple
    total: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(self.total - self.used, 0)


@dataclass(frozen=True, slots=True)
class Charge:
    billable: int  # units after rounding (seconds, pieces, bytes)
    from_allowances: int  # of which covered by allowances
    charged_units: int  # billable - from_allowances
    kopecks: int  # the charge, rounded once
    consumed: tuple[tuple[tuple, int], ...]  # (bucket key, units) in the order taken


def billable_units(*, kind: str, quantity: int, terms: TermsView) -> int:
    """Units of a record after the plan's rounding (step 1 above)."""
    if quantity <= 0:
        return 0
    if kind == VOICE:
        if terms.voice_rounding == PER_MINUTE:
            return -(-quantity // 60) * 60
        return quantity
    if kind == DATA:
        unit = max(terms.data_unit_kb, 1) * BYTES_PER_KB
        return -(-quantity // unit) * unit
    return quantity  # SMS, MMS: pieces


def money_for(*, kind: str, units: int, unit_price: Decimal) -> int:
    """Kopecks for ``units`` at ``unit_price`` roubles per priced unit (step 3 above)."""
    if units <= 0 or not unit_price:
        return 0
    return to_kopecks(Decimal(units) * unit_price / _PRICED_UNIT[kind])


def rate(
    *, kind: str, quantity: int, terms: TermsView, unit_price: Decimal | None, buckets: Sequence[Bucket]
) -> Charge:
    """Rate one record. ``buckets`` are the allowances that may cover it, in consumption order;
    they are updated in place (``used`` grows), which is the only state this function touches."""
    billable = billable_units(kind=kind, quantity=quantity, terms=terms)
    if not unit_price:  # no price row, or a zero price: free, and no allowance consumed
        return Charge(billable, 0, 0, 0, ())
    left = billable
    consumed: list[tuple[tuple, int]] = []
    for bucket in buckets:
        if left <= 0:
            break
        take = min(bucket.remaining, left)
        if take > 0:
            bucket.used += take
            left -= take
            consumed.append((bucket.key, take))
    covered = billable - left
    return Charge(billable, covered, left, money_for(kind=kind, units=left, unit_price=unit_price), tuple(consumed))
