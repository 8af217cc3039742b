"""BILL-7: a bill e-mail that fails for a reason that may pass (server down, "try later") is tried
again on a back-off and finally sent; a refusal for good (5xx) is recorded at once; nothing is
sent twice. Against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from issa.billing.billrun import billrun_run
from issa.billing.delivery import RETRY_AFTER, bill_delivery_send, deliveries_regular, deliveries_retry
from issa.billing.models import BillDelivery, DeliverySetting, LedgerEntry
from issa.billing.services import ledger_post
from issa.billing.tasks import deliveries_retry as deliveries_retry_task
from issa.core.clock import OPERATOR_TZ
from issa.testing.factories import subscriber_with_balance
from issa.testing.smtp import Inbox, free_port, smtp_server, use_smtp


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


SENT_AT = minsk(2026, 12, 1, 4)


@pytest.fixture
def port(settings: Any) -> int:
    """Django's e-mail points here; nothing listens until a test starts a server."""
    port = free_port()
    use_smtp(settings, port)
    return port


@pytest.fixture
def server(settings: Any, port: int) -> Iterator[Inbox]:
    with smtp_server(settings, port) as inbox:
        yield inbox


@pytest.fixture
def delivery(db: Any) -> BillDelivery:
    sub = subscriber_with_balance(5000, now=minsk(2026, 10, 1))
    ledger_post(
        account=sub.account, subscriber=sub, amount=-1990, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
        reason="fee", idempotency_key="fee:11", now=minsk(2026, 11, 1), effective_at=minsk(2026, 11, 1),
    )  # fmt: skip
    DeliverySetting.objects.create(
        account=sub.account, method="email", email="client@example.by", set_at=minsk(2026, 11, 2)
    )
    billrun_run(period_key="2026-11", now=minsk(2026, 12, 1, 3))
    assert deliveries_regular(period_key="2026-11", now=SENT_AT) == 1
    return BillDelivery.objects.get()


def _state(delivery: BillDelivery) -> tuple[str, int, datetime | None]:
    delivery.refresh_from_db()
    return delivery.status, delivery.attempts, delivery.next_attempt_at


def test_bill_7_server_down_is_retried_on_the_back_off_and_then_sent(
    delivery: BillDelivery, port: int, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # nothing listens on the port: the connection is refused, the bill waits for another try
    assert bill_delivery_send(delivery_id=delivery.pk, now=SENT_AT) == "retry at 2026-12-01 04:05"
    assert _state(delivery) == ("queued", 1, SENT_AT + RETRY_AFTER[0])
    assert "ConnectionRefusedError" in delivery.error

    # an early duplicate task spends no try; the retry job queues nothing before the time
    assert bill_delivery_send(delivery_id=delivery.pk, now=SENT_AT + timedelta(minutes=1)) == "not yet"
    assert deliveries_retry(now=SENT_AT + timedelta(minutes=4)) == 0
    assert _state(delivery) == ("queued", 1, SENT_AT + RETRY_AFTER[0])

    # the server is back; the job at the due time sends the bill once
    with smtp_server(settings, port) as handler:
        # the periodic task at the due time; the send task it queues runs inline in tests
        with (
            time_machine.travel(SENT_AT + RETRY_AFTER[0], tick=False),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            assert deliveries_retry_task() == "1 deliveries queued again"
        assert len(callbacks) == 1
        assert bill_delivery_send(delivery_id=delivery.pk, now=SENT_AT + RETRY_AFTER[1]) == "nothing to send"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at, delivery.error) == ("sent", 2, None, "")
    assert delivery.sent_at == SENT_AT + RETRY_AFTER[0]
    assert [m.rcpt_tos for m in handler.messages] == [["client@example.by"]]
    assert b"application/pdf" in handler.messages[0].content
    assert deliveries_retry(now=SENT_AT + timedelta(days=3)) == 0


def test_bill_7_unknown_mailbox_is_not_delivered_at_once(delivery: BillDelivery, server: Inbox) -> None:
    server.rcpt_answer = "550 5.1.1 No such mailbox"
    assert bill_delivery_send(delivery_id=delivery.pk, now=SENT_AT) == "failed"
    assert _state(delivery) == ("failed", 1, None)
    assert "550" in delivery.error
    assert deliveries_retry(now=SENT_AT + timedelta(days=2)) == 0
    assert server.messages == []


def test_bill_7_try_later_every_time_gives_up_after_the_last_wait(delivery: BillDelivery, server: Inbox) -> None:
    server.rcpt_answer = "451 4.3.0 Try again later"
    now = SENT_AT
    for wait in RETRY_AFTER:
        assert bill_delivery_send(delivery_id=delivery.pk, now=now).startswith("retry at")
        assert _state(delivery)[0] == "queued"
        now += wait
    assert bill_delivery_send(delivery_id=delivery.pk, now=now) == "failed"
    assert _state(delivery) == ("failed", len(RETRY_AFTER) + 1, None)
    assert server.messages == []


def test_bill_7_a_delivery_whose_task_was_lost_is_queued_again(
    delivery: BillDelivery, django_capture_on_commit_callbacks: Any
) -> None:
    assert _state(delivery) == ("queued", 0, None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert deliveries_retry(now=SENT_AT + timedelta(minutes=30)) == 0
        assert deliveries_retry(now=SENT_AT + timedelta(hours=1)) == 1
    assert len(callbacks) == 1
    assert _state(delivery) == ("queued", 0, None)
