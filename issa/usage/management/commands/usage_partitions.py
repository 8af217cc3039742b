"""``manage.py usage_partitions [--months N]``: create the usage table's monthly partitions ahead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from issa.usage.tasks import partitions_ahead


class Command(BaseCommand):
    help = "Create the usage table's monthly partitions from this month N months ahead (PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--months", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        created = partitions_ahead(options["months"])
        self.stdout.write(f"created: {', '.join(created)}" if created else "nothing to create")
