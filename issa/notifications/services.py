"""Sending SMS and e-mail. Messages are written in the caller's transaction and leave on commit:
a rolled-back change never sends a message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from issa.core.queue import enqueue

from .models import SmsMessage


def sms_send(*, msisdn: str, text: str, kind: str, now: datetime, sensitive: bool = False) -> SmsMessage:
    message = SmsMessage(msisdn=msisdn, kind=kind, sensitive=sensitive, created_at=now)
    message.set_body(text)
    message.save()
    enqueue("issa.notifications.tasks.sms_deliver", message.pk)
    return message


def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes, str]] | None = None,
    html: str | None = None,
) -> None:
    """Send an e-mail through Django's configured backend after the transaction commits.

    Attachments are passed as (filename, content, mimetype) and travel in the task's arguments,
    so keep them to documents of a few hundred kilobytes (bills are).
    """
    payload: dict[str, Any] = {"to": to, "subject": subject, "body": body, "html": html}
    payload["attachments"] = [(name, content, mime) for name, content, mime in attachments or []]
    enqueue("issa.notifications.tasks.email_deliver", payload)
