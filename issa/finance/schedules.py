"""Periodic jobs of finance, collected by ``issa.core.schedules``."""

from __future__ import annotations

from issa.core.schedules import Job

JOBS = [
    Job(
        name="finance.promised_expire",
        func="issa.finance.tasks.promised_expire",
        minutes=10,
        description="Withdraw promised payments whose 3 days ran out, exactly once (FIN-3)",
    ),
    Job(
        name="finance.installments_monthly",
        func="issa.finance.tasks.installments_monthly",
        cron="30 1 * * *",
        description="Monthly installment charges, once per plan and month; daily runs catch up (FIN-2)",
    ),
]
