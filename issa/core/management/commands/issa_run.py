"""Run the web server and the worker together; Ctrl-C stops both (``make demo``)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal at http://127.0.0.1:8000 and run the background worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        python = sys.executable
        procs = [
            subprocess.Popen([python, "manage.py", "runserver", addr, "--noreload"]),  # noqa: S603
            subprocess.Popen([python, "manage.py", "qcluster"]),  # noqa: S603
        ]
        self.stdout.write(self.style.SUCCESS(f"ISSA at http://{addr}/ (worker running). Ctrl-C stops both."))

        def stop(*_: Any) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for proc in procs:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            stop()
        stop()
