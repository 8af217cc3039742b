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


def sms_reachable(subscriber: Any) -> bool:
    """Whether the subscriber's line can receive an SMS: a home-and-office line (HOME-1, a plan of
    kind ``home`` on a fixed number) has no handset."""
    from phonenumbers import NumberParseException

    from issa.core.phone import is_fixed_line

    plan = getattr(subscriber, "plan", None)
    if getattr(plan, "kind", None) == "home":
        return False
    try:
        return not is_fixed_line(subscriber.msisdn)
    except NumberParseException:
        return True


def subscriber_notify(
    *, subscriber: Any, text: str, subject: str, kind: str, now: datetime, email_too: bool = False
) -> list[str]:
    """A short notice to a subscriber through the channel their line has; the one place that
    chooses it. A line with a handset gets an SMS (and, with ``email_too``, the same text by e-mail
    to the contract's address when there is one); a home-and-office line gets the e-mail only, and
    without a contract address nothing (the portal's own pages show what happened). Returns the
    channels used ("sms", "email"). Sent on commit like ``sms_send``/``email_send``."""
    channels: list[str] = []
    reachable = sms_reachable(subscriber)
    if reachable:
        sms_send(msisdn=subscriber.msisdn, text=text, kind=kind, now=now)
        channels.append("sms")
    if email_too or not reachable:
        email = subscriber.account.client.email
        if email:
            email_send(to=[email], subject=subject, body=text)
            channels.append("email")
    return channels
