"""The SMS outbox: a message leaves only when the transaction that caused it commits; codes and
passwords are encrypted at rest and hidden from staff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from django.db import transaction

from issa.notifications.models import SmsMessage
from issa.notifications.services import sms_send
from issa.notifications.tasks import sms_deliver

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
MSISDN = "375291234567"


class RecordingBackend:
    """The outbox backend's interface, recording what it was handed (the SMSC's view)."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, message: SmsMessage) -> str:
        self.sent.append((message.msisdn, message.body))
        return f"rec-{message.pk}"


@pytest.fixture(autouse=True)
def recording_backend(settings: Any) -> list[tuple[str, str]]:
    settings.ISSA_SMS_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent = []
    return RecordingBackend.sent


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    def send_then_fail() -> None:
        with transaction.atomic():
            sms_send(msisdn=MSISDN, text="Ваш код: 4711", kind="otp", now=NOW, sensitive=True)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        send_then_fail()
    assert callbacks == []
    assert SmsMessage.objects.count() == 0
    assert RecordingBackend.sent == []


@pytest.mark.django_db
def test_committed_message_is_delivered_by_the_task(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(msisdn=MSISDN, text="Услуга «Пауза» подключена.", kind="notice", now=NOW)
        assert RecordingBackend.sent == []  # not before the commit
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert message.provider_id == f"rec-{message.pk}"
    assert message.attempts == 1
    assert message.sent_at is not None
    assert RecordingBackend.sent == [(MSISDN, "Услуга «Пауза» подключена.")]


@pytest.mark.django_db
def test_delivery_task_is_idempotent(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(msisdn=MSISDN, text="Баланс пополнен.", kind="notice", now=NOW)
    assert sms_deliver(message.pk) == "skipped"
    assert sms_deliver(10**9) == "skipped"
    assert len(RecordingBackend.sent) == 1


@pytest.mark.django_db
def test_sensitive_body_is_encrypted_at_rest_and_hidden_from_staff(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(msisdn=MSISDN, text="Ваш код: 4711", kind="otp", now=NOW, sensitive=True)
    stored = SmsMessage.objects.values_list("body_stored", flat=True).get(pk=message.pk)
    assert "4711" not in stored
    assert message.body == "Ваш код: 4711"
    assert message.body_for_staff == "•••"
    assert "4711" not in repr(message) + str(message)
    assert RecordingBackend.sent == [(MSISDN, "Ваш код: 4711")]  # the SMSC gets the clear text


@pytest.mark.django_db
def test_plain_notice_is_readable_by_staff() -> None:
    message = sms_send(msisdn=MSISDN, text="Счёт отправлен на e-mail.", kind="notice", now=NOW)
    assert message.body_for_staff == "Счёт отправлен на e-mail."
