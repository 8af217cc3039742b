"""Bills of the demo operator (BSS-5, BILL-1..7): the bill run for the two months before the
current one, so that the portal shows bills, the spending chart and PDF/Excel downloads; the first
well-known demo number gets bills by e-mail (PDF + Excel) and a delivery history (BILL-6).

Idempotent: a finished run bills nothing again; the delivery setting is made once; regular
deliveries are unique per bill. Runs after the usage loader (ORDER 50), so last month's records
are on its bill; a later demo load rates newer late records into the open month as corrections.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from issa.billing.billrun import billrun_run
from issa.billing.delivery import deliveries_regular
from issa.billing.models import DeliverySetting
from issa.core import clock
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

ORDER = 60
MONTHS = 2
WELL_KNOWN = "375291000001"


def load(*, stdout: Any, now: datetime) -> None:
    actor = Actor.system("demo bills")
    periods = []
    period = clock.period_of(now)
    for _ in range(MONTHS):
        period = period.previous()
        periods.append(period)
    sub = Subscriber.objects.select_related("account__client").filter(msisdn=WELL_KNOWN).first()
    if sub is not None and not DeliverySetting.objects.filter(account=sub.account).exists():
        DeliverySetting.objects.create(
            account=sub.account,
            method=DeliverySetting.Method.EMAIL,
            email=sub.account.client.email or "client@example.by",
            excel=True,
            set_at=periods[-1].start,
            set_by=actor.label,
        )
    # Every loader books at the load's ``now``, and a run's cut-off takes entries booked *before* it:
    # the demo's bill run starts a second later, so its bills hold the opening balances, the fee
    # history (fee_history, ORDER 57) and the usage of the load.
    run_at = now + timedelta(seconds=1)
    summary = []
    for period in reversed(periods):
        result = billrun_run(period_key=period.key, now=run_at, actor=actor)
        made = deliveries_regular(period_key=period.key, now=run_at)
        summary.append(f"{period.key}: {result.billed} bills, {result.failed} failed, {made} deliveries")
    stdout.write("bills: " + "; ".join(summary))
