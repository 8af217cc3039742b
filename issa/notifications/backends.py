"""SMS adapters. The outbox backend keeps messages for the virtual phone; the SMPP client for a
real SMSC plugs in here with the same interface."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import SmsMessage


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> str:
        """Hand the message to the network; return the SMSC's id. Raise on failure."""


class OutboxSmsBackend:
    """Development and demo: the message is "delivered" to the outbox the virtual phone reads."""

    def send(self, message: SmsMessage) -> str:
        return f"outbox-{message.pk}"


def get_sms_backend() -> SmsBackend:
    return import_string(settings.ISSA_SMS_BACKEND)()
