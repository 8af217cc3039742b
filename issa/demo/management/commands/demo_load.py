"""``manage.py demo_load``: build (or complete) the demo operator. Safe to run again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from issa.core import clock
from issa.demo import loaders


class Command(BaseCommand):
    help = "Load the demo operator: catalogue, ~1,000 subscribers, demo users. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", metavar="LOADER", help="run only this loader (repeatable), e.g. catalogue"
        )
        parser.add_argument("--list", action="store_true", help="list the loaders in their order and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for module in loaders.discover():
                self.stdout.write(f"{module.ORDER:>5}  {loaders.loader_name(module)}")
            return
        names = {loaders.loader_name(m) for m in loaders.discover()}
        unknown = sorted(set(options["only"] or []) - names)
        if unknown:
            self.stderr.write(f"unknown loader(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}")
            raise SystemExit(2)
        started = time.perf_counter()
        timings = loaders.run_all(stdout=self.stdout, now=clock.now(), only=options["only"])
        total = time.perf_counter() - started
        detail = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
        self.stdout.write(self.style.SUCCESS(f"Demo operator loaded in {total:.2f} s ({detail})."))
