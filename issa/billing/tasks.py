"""Background jobs of billing. Tasks take plain values and are idempotent (ledger keys)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from issa.core import clock

from . import fees


def fees_run(intended: str | None = None) -> str:
    """The periodic fee job (BSS-3, SVC-9): the day of the planned run and the day before, so that
    a run that starts late (or after an outage) still charges the days it was meant for."""
    now = clock.now()
    planned = datetime.fromisoformat(intended) if intended else now
    today = clock.local_date(planned if planned.tzinfo else now)
    runs = fees.fees_run(now=now, days=[today - timedelta(days=1), today])
    return "; ".join(f"{r.day}: {r.booked} booked, {r.skipped} already booked" for r in runs)


def fees_charge_day(day_iso: str) -> str:
    """Re-run one day by hand (``enqueue("issa.billing.tasks.fees_charge_day", "2026-11-03")``)."""
    run = fees.fees_charge_day(day=date.fromisoformat(day_iso), now=clock.now())
    return f"{run.day}: {run.booked} booked, {run.skipped} already booked"


def billrun_monthly(intended: str | None = None) -> str:
    """The periodic bill run (BSS-5): on the 1st–3rd, bill the month that ended (or continue a run
    that was stopped), then queue the regular deliveries (BILL-7)."""
    from .billrun import billrun_previous_month
    from .delivery import deliveries_regular

    now = clock.now()
    result = billrun_previous_month(now=now)
    if result is None:
        return "already billed"
    made = deliveries_regular(period_key=result.run.period, now=now) if result.run.status == "done" else 0
    return f"{result.run.period}: {result.billed} billed, {result.failed} failed, {made} deliveries"


def bill_delivery_send(delivery_id: int) -> str:
    """Send one bill by e-mail and record the result (BILL-5, BILL-6)."""
    from .delivery import bill_delivery_send as send

    return send(delivery_id=delivery_id)


def deliveries_retry() -> str:
    """The periodic retry of bill e-mails that failed for a reason that may pass (BILL-7)."""
    from .delivery import deliveries_retry as retry

    return f"{retry(now=clock.now())} deliveries queued again"
