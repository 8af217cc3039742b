"""Periodic jobs of identity (synced by ``manage.py issa_schedules``)."""

from issa.core.schedules import Job

JOBS = [
    # AUTH-9: requests left pending in a session that timed out are cancelled within minutes.
    Job(name="identity.pending_sweep", func="issa.identity.tasks.pending_sweep", minutes=5),
]
