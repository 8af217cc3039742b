"""Periodic jobs of usage, collected by the registry in ``issa.core.schedules``."""

from __future__ import annotations

from issa.core.schedules import Job

JOBS = [
    Job(
        name="usage.inbox",
        func="issa.usage.tasks.inbox_poll",
        minutes=1,
        description="Import usage files waiting in var/usage/inbox (BSS-2)",
    ),
    Job(
        name="usage.partitions",
        func="issa.usage.tasks.partitions_ahead",
        cron="40 2 * * *",
        description="Create the usage table's monthly partitions three months ahead (PostgreSQL)",
    ),
]
