"""Sync the periodic jobs declared in ``<app>/schedules.py`` into the worker's schedule table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from issa.core.schedules import ScheduleError, declared_jobs, sync_schedules


class Command(BaseCommand):
    help = "Create, update and remove django-q schedules so that they match the apps' declared JOBS (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="Only print the declared jobs.")

    def handle(self, *args: Any, list: bool = False, **options: Any) -> None:
        try:
            if list:
                for job in declared_jobs():
                    timing = f"cron {job.cron}" if job.cron else f"every {job.minutes} min"
                    self.stdout.write(f"{job.name:40} {timing:24} {job.func}")
                return
            result = sync_schedules()
        except ScheduleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Schedules: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.removed)} removed, {len(result.unchanged)} unchanged."
        )
        for verb, names in (("created", result.created), ("updated", result.updated), ("removed", result.removed)):
            for name in names:
                self.stdout.write(f"  {verb}: {name}")
