"""Periodic jobs of billing, collected by the registry in ``issa.core.schedules``.

Each job: a stable name, the dotted task, and a cron expression in the operator's zone. The fee
job runs hourly: daily fees are booked in advance shortly after midnight, and later runs pick up
products connected during the day (and yesterday's, after an outage); idempotency keys make every
run after the first free.
"""

from __future__ import annotations

JOBS = [
    {
        "name": "billing.fees",
        "func": "issa.billing.tasks.fees_run",
        "cron": "5 * * * *",
        "description": "Daily and monthly subscription fees, Pause (BSS-3, SVC-9)",
    },
]
