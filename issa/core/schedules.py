"""Periodic jobs: each app declares its own in ``<app>/schedules.py``; one command syncs them.

An app writes, for example, in ``issa/billing/schedules.py``::

    from issa.core.schedules import Job

    JOBS = [Job(name="billing.daily_fees", func="issa.billing.tasks.daily_fees", cron="5 0 * * *")]

``manage.py issa_schedules`` (run by ``make demo`` and on every deploy) turns the declarations
into django-q ``Schedule`` rows: created or updated by name, and removed when no app declares them
any more. Declarations in code, not rows edited in the admin, so that every environment runs the
same jobs and a code review sees a change of timing. Cron expressions are read in ``TIME_ZONE``
(Europe/Minsk), the operator's day. Job names are ``<app_label>.<job>``; rows whose name does not
start with an ISSA app label (ad-hoc schedules made by staff in the admin) are left alone.

This module declares the core's own housekeeping jobs as well (``JOBS`` below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string, module_has_submodule

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.\-]+$")


class ScheduleError(ValueError):
    """A job declaration is wrong: the sync refuses to write anything."""


@dataclass(frozen=True)
class Job:
    """One periodic job: a dotted task function run on the worker by cron or every N minutes.

    ``intended_date_kwarg`` names a keyword argument that receives the planned run time (ISO
    8601), so that a job that ran late still works on the period it was meant for.
    """

    name: str
    func: str
    cron: str = ""
    minutes: int | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    intended_date_kwarg: str = ""
    description: str = ""  # for people: what the job does and the SPEC rules it serves

    @classmethod
    def from_declaration(cls, item: Any, where: str) -> Job:
        """A ``Job``, or a plain mapping with the same keys (``{"name": …, "func": …, "cron": …}``)."""
        if isinstance(item, cls):
            return item
        if isinstance(item, Mapping):
            try:
                return cls(**{**item, "args": tuple(item.get("args", ()))})
            except TypeError as exc:
                raise ScheduleError(f"{where}: {item!r} is not a job declaration ({exc})") from exc
        raise ScheduleError(f"{where} holds {item!r}, not a Job")

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]

    def validate(self) -> None:
        if not NAME_RE.match(self.name) or len(self.name) > 100:
            raise ScheduleError(f"Job name {self.name!r} must look like '<app_label>.<job>' (max 100 chars)")
        if bool(self.cron) == (self.minutes is not None):
            raise ScheduleError(f"Job {self.name}: give exactly one of cron= or minutes=")
        if self.minutes is not None and not 1 <= self.minutes <= 32767:
            raise ScheduleError(f"Job {self.name}: minutes must be between 1 and 32767")
        if self.cron:
            from croniter import croniter

            if not croniter.is_valid(self.cron):
                raise ScheduleError(f"Job {self.name}: invalid cron expression {self.cron!r}")
        try:
            import_string(self.func)
        except ImportError as exc:
            raise ScheduleError(f"Job {self.name}: cannot import {self.func!r} ({exc})") from exc

    def next_run(self, now: datetime) -> datetime:
        """The first run after ``now``: a new schedule never fires at once on deploy."""
        if self.cron:
            from croniter import croniter

            return croniter(self.cron, timezone.localtime(now)).get_next(datetime)
        if self.minutes is None:
            raise ScheduleError(f"Job {self.name}: give exactly one of cron= or minutes=")
        return now + timedelta(minutes=self.minutes)


def _issa_app_configs() -> list[Any]:
    return [config for config in apps.get_app_configs() if config.name.startswith("issa.")]


def declared_jobs() -> list[Job]:
    """Every job of every ISSA app, from ``<app>/schedules.py`` (autodiscovered), validated."""
    jobs: list[Job] = []
    labels = {config.label for config in _issa_app_configs()}
    for config in _issa_app_configs():
        if not module_has_submodule(config.module, "schedules"):
            continue
        module = import_module(f"{config.name}.schedules")
        for item in getattr(module, "JOBS", []):
            job = Job.from_declaration(item, f"{config.name}.schedules.JOBS")
            job.validate()
            if job.app_label != config.label or job.app_label not in labels:
                raise ScheduleError(f"Job {job.name} is declared by app {config.label}: name it {config.label}.…")
            jobs.append(job)
    names = [job.name for job in jobs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ScheduleError(f"Jobs declared twice: {', '.join(duplicates)}")
    return sorted(jobs, key=lambda job: job.name)


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _row_values(job: Job) -> dict[str, Any]:
    from django_q.models import Schedule

    return {
        "func": job.func,
        "hook": None,
        "args": repr(tuple(job.args)) if job.args else None,
        "kwargs": repr(dict(job.kwargs)) if job.kwargs else None,
        "schedule_type": Schedule.CRON if job.cron else Schedule.MINUTES,
        "cron": job.cron or None,
        "minutes": job.minutes,
        "repeats": -1,
        "cluster": None,
        "intended_date_kwarg": job.intended_date_kwarg or None,
    }


TIMING_FIELDS = ("schedule_type", "cron", "minutes")


def sync_schedules(jobs: Iterable[Job] | None = None, *, now: datetime | None = None) -> SyncResult:
    """Make the ``Schedule`` table match the declared jobs; running it twice changes nothing."""
    from django_q.models import Schedule

    jobs = declared_jobs() if jobs is None else list(jobs)
    for job in jobs:
        job.validate()
    now = now or timezone.now()
    result = SyncResult()
    declared = {job.name: job for job in jobs}
    labels = {config.label for config in _issa_app_configs()}
    with transaction.atomic():
        existing: dict[str, Any] = {}
        for row in Schedule.objects.select_for_update().order_by("pk"):
            if not row.name or "." not in row.name or row.name.split(".", 1)[0] not in labels:
                continue  # not ours: an ad-hoc schedule made in the admin
            if row.name in existing or row.name not in declared:
                result.removed.append(row.name)  # no longer declared, or a duplicate row
                row.delete()
                continue
            existing[row.name] = row
        for name, job in declared.items():
            values = _row_values(job)
            row = existing.get(name)
            if row is None:
                row = Schedule.objects.create(name=name, **values)
                # Schedule.save() plans a new cron row from the wall clock; plan it from ``now``.
                Schedule.objects.filter(pk=row.pk).update(next_run=job.next_run(now))
                result.created.append(name)
                continue
            changed = {key: value for key, value in values.items() if getattr(row, key) != value}
            if not changed:
                result.unchanged.append(name)
                continue
            for key, value in changed.items():
                setattr(row, key, value)
            if any(key in TIMING_FIELDS for key in changed):
                row.next_run = job.next_run(now)
            row.save()
            result.updated.append(name)
    return result


# The core's own housekeeping. Other apps declare theirs in their own schedules.py.
JOBS = [
    # Expired sessions pile up in the database (AUTH-9 times them out after 15 idle minutes).
    Job(
        name="core.clear_sessions",
        func="django.core.management.call_command",
        args=("clearsessions",),
        cron="17 3 * * *",
    ),
]
