"""``manage.py billrun YYYY-MM [--batch N] [--now ISO]``: run (or finish) the bill run of a period
by hand (BSS-5); the periodic job ``billing.billrun`` does the same on the 1st–3rd."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from issa.billing.billrun import BATCH_SIZE, billrun_run
from issa.core import clock
from issa.identity.actor import Actor


class Command(BaseCommand):
    help = "Make the bills of a closed period (resumes a stopped run; each account billed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="YYYY-MM")
        parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="accounts per committed batch")
        parser.add_argument("--now", default="", help="the run's time (ISO 8601 with zone); default: now")

    def handle(self, *args: Any, **options: Any) -> None:
        now = datetime.fromisoformat(options["now"]) if options["now"] else clock.now()
        result = billrun_run(
            period_key=options["period"], now=now, actor=Actor.system("manage.py billrun"), batch_size=options["batch"]
        )
        run = result.run
        self.stdout.write(
            f"{run.period}: {run.status}; {run.done} billed, {run.failed} failed, {run.remaining} remaining "
            f"({result.billed} in this run)"
        )
