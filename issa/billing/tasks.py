"""Background jobs of billing. Tasks take plain values and are idempotent (ledger keys)."""

from __future__ import annotations

from datetime import date

from issa.core import clock

from . import fees


def fees_run() -> str:
    """The periodic fee job (BSS-3, SVC-9): yesterday and today, exactly once per key."""
    runs = fees.fees_run(now=clock.now())
    return "; ".join(f"{r.day}: {r.booked} booked, {r.skipped} already booked" for r in runs)


def fees_charge_day(day_iso: str) -> str:
    """Re-run one day (after an outage longer than a day): ``enqueue(…, "2026-11-03")``."""
    run = fees.fees_charge_day(day=date.fromisoformat(day_iso), now=clock.now())
    return f"{run.day}: {run.booked} booked, {run.skipped} already booked"
