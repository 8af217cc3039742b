"""Periodic jobs of billing, collected by the registry in ``issa.core.schedules``.

The fee job runs hourly: daily fees are booked in advance shortly after midnight (Europe/Minsk),
later runs pick up products connected during the day, and each run also covers the day before
(after an outage). Idempotency keys make every run after the first free.
"""

from __future__ import annotations

from issa.core.schedules import Job

JOBS = [
    Job(
        name="billing.fees",
        func="issa.billing.tasks.fees_run",
        cron="5 * * * *",
        intended_date_kwarg="intended",
        description="Daily and monthly subscription fees and Pause (BSS-3, SVC-9), exactly once per day",
    ),
    Job(
        name="billing.billrun",
        func="issa.billing.tasks.billrun_monthly",
        cron="30 * 1-3 * *",
        description="The monthly bill run (BSS-5) on the 1st-3rd, resumable; then regular bill delivery (BILL-7)",
    ),
    Job(
        name="billing.deliveries_retry",
        func="issa.billing.tasks.deliveries_retry",
        cron="*/10 * * * *",
        description="Bill e-mails that failed for a reason that may pass are tried again (BILL-7)",
    ),
]
