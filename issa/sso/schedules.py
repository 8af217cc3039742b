"""Periodic jobs of partner sign-in (synced by ``manage.py issa_schedules``)."""

from issa.core.schedules import Job

JOBS = [
    Job(
        name="sso.expired_tokens_clear",
        func="issa.sso.tasks.expired_tokens_clear",
        cron="40 3 * * *",
        description="AUTH-14: delete expired partner codes and tokens (django-oauth-toolkit's clear_expired).",
    ),
]
