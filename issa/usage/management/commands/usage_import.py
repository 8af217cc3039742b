"""``manage.py usage_import FILE…``: import usage files now, with a progress bar (BSS-2).

The same import the inbox watcher runs; a file imported twice loads nothing twice, and a file
whose import was interrupted is finished from its checkpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from issa.core import clock
from issa.identity.actor import Actor
from issa.usage.services import CHUNK_LINES, usage_import_file


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


class Command(BaseCommand):
    help = "Import usage record files (docs/usage-format.md) and rate them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--chunk", type=int, default=CHUNK_LINES, help="lines per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes to split each file between (PostgreSQL; default ISSA_USAGE_IMPORT_WORKERS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [str(path) for path in options["files"] if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        actor = Actor.system("usage_import command")
        failed = 0
        for path in options["files"]:
            total = max(_count_lines(path) - 1, 0)
            with tqdm(
                total=total,
                unit="lines",
                unit_scale=True,
                desc=path.name,
                disable=options["no_progress"],
                file=self.stderr._out,  # the raw stream: OutputWrapper would add newlines
            ) as bar:
                result = usage_import_file(
                    path,
                    now=clock.now(),
                    actor=actor,
                    chunk_lines=options["chunk"],
                    progress=bar.update,
                    workers=options["workers"],
                )
            if result.status == result.Status.FAILED:
                failed += 1
                self.stderr.write(f"{path.name}: FAILED: {result.error}")
                continue
            self.stdout.write(
                f"{path.name}: {result.lines_read} lines, {result.loaded} loaded, "
                f"{result.duplicates} duplicates, {result.quarantined} quarantined"
            )
        if failed:
            raise CommandError(f"{failed} file(s) could not be read")
