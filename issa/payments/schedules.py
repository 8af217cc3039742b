"""Periodic jobs of payments, collected by ``issa.core.schedules``."""

from __future__ import annotations

from issa.core.schedules import Job

JOBS = [
    Job(
        name="payments.expire",
        func="issa.payments.tasks.expire_payments",
        minutes=5,
        description="Card payments left unpaid past CARD_PAYMENT_TTL_MINUTES become expired (FIN-5)",
    ),
    Job(
        name="payments.low_balance",
        func="issa.payments.tasks.low_balance_sweep",
        minutes=15,
        description="Low-balance SMS alerts and automatic top-ups for balances moved by anything",
    ),
]
