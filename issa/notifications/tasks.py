"""Delivery tasks: idempotent, they take ids."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from issa.core import clock

from .backends import get_sms_backend
from .models import SmsMessage

log = logging.getLogger(__name__)


def sms_deliver(message_id: int) -> str:
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status in (SmsMessage.Status.SENT, SmsMessage.Status.DELIVERED):
            return "skipped"
        message.attempts += 1
        try:
            message.provider_id = get_sms_backend().send(message)
        except Exception as exc:
            message.error = f"{type(exc).__name__}"[:255]
            message.status = SmsMessage.Status.FAILED if message.attempts >= 5 else SmsMessage.Status.QUEUED
            message.save(update_fields=["attempts", "error", "status"])
            log.warning("sms %s failed (attempt %s): %s", message.pk, message.attempts, type(exc).__name__)
            raise
        message.status = SmsMessage.Status.SENT
        message.sent_at = clock.now()
        message.save(update_fields=["attempts", "provider_id", "status", "sent_at"])
    return "sent"


def email_deliver(payload: dict[str, Any]) -> int:
    mail = EmailMultiAlternatives(subject=payload["subject"], body=payload["body"], to=payload["to"])
    if payload.get("html"):
        mail.attach_alternative(payload["html"], "text/html")
    for name, content, mime in payload.get("attachments", []):
        mail.attach(name, content, mime)
    return mail.send()
