"""Run the web server and the worker together; Ctrl-C stops both (``make demo``)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the portal at http://127.0.0.1:8000 and run the background worker; Ctrl-C stops both."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        stopping = False

        def on_signal(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        # Our own handlers, installed before the children start: a child inherits a signal that
        # is *ignored* (as in a shell's background job), but a *handled* one is reset to the
        # default at exec, so the children always answer Ctrl-C themselves.
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        python = sys.executable
        procs = {
            "web server": subprocess.Popen([python, "manage.py", "runserver", addr, "--noreload"]),  # noqa: S603
            "worker": subprocess.Popen([python, "manage.py", "qcluster"]),  # noqa: S603
        }
        self.stdout.write(self.style.SUCCESS(f"ISSA at http://{addr}/ (worker running). Ctrl-C stops both."))
        died = ""
        while not stopping:
            died = next((name for name, proc in procs.items() if proc.poll() is not None), "")
            if died:
                break
            time.sleep(0.3)
        # SIGTERM: the worker finishes its tasks and stops (django-q's handler), the web server exits.
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if died:
            raise CommandError(f"The {died} stopped (exit {procs[died].returncode}); stopped the rest too.")
        self.stdout.write("ISSA stopped.")
