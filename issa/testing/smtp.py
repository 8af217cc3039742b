"""A real SMTP server (aiosmtpd) on 127.0.0.1 for e-mail tests, and Django pointed at it.

The root conftest's ``smtp`` fixture starts one per test; ``smtp_server(settings, port=…)`` is
for a test that starts and stops the server itself (a mail server that is down, then back).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """What the server received; ``rcpt_answer`` is its answer to RCPT: accept (250), "later"
    (451) or "never" (550)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.rcpt_answer = "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def use_smtp(settings: Any, port: int) -> None:
    """Django's SMTP backend to 127.0.0.1:``port`` (nothing needs to listen there yet)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@contextmanager
def smtp_server(settings: Any, port: int | None = None) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    use_smtp(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()
