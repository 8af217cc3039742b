"""``manage.py fees_charge [--from 2026-11-01] [--to 2026-11-30]``: book the subscription fees of
those days now (after an outage longer than the job's one-day catch-up, or to replay a month in a
demo). Safe to repeat: every fee has its idempotency key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from issa.billing.fees import fees_charge_day
from issa.core import clock


class Command(BaseCommand):
    help = "Book the subscription fees of the given days (default: today), exactly once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD (default: today)")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (default: the first day)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        try:
            first = date.fromisoformat(options["first"]) if options["first"] else clock.local_date(now)
            last = date.fromisoformat(options["last"]) if options["last"] else first
        except ValueError as exc:
            raise CommandError(f"Dates are YYYY-MM-DD: {exc}") from exc
        if last < first or last > clock.local_date(now):
            raise CommandError("The last day must not be before the first, nor in the future.")
        day = first
        while day <= last:
            run = fees_charge_day(day=day, now=now)
            self.stdout.write(
                f"{day}: {run.subscribers} subscribers, {run.booked} entries booked "
                f"({run.amount / 100:+.2f} BYN), {run.skipped} already booked"
            )
            day += timedelta(days=1)
