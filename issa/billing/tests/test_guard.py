"""BSS-3: the prepaid guard blocks at or below zero and unblocks above zero, once, with an SMS."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from issa.billing.guard import prepaid_guard
from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.customers.models import Account
from issa.identity.models import AuditEvent
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import AccountFactory, subscriber_with_balance

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def _debit(subscriber: Subscriber, kopecks: int, key: str) -> None:
    ledger_post(
        account=subscriber.account,
        subscriber=subscriber,
        amount=-kopecks,
        kind=LedgerEntry.Kind.USAGE,
        reason="usage",
        idempotency_key=key,
        now=NOW,
    )


@pytest.mark.django_db
def test_bss_3_prepaid_guard_blocks_at_zero_and_unblocks_on_payment(django_capture_on_commit_callbacks):
    subscriber = subscriber_with_balance(500, now=NOW)
    _debit(subscriber, 500, "u1")  # exactly zero: blocked ("at or below zero")
    with django_capture_on_commit_callbacks(execute=True):
        prepaid_guard(account_ids=[subscriber.account_id], now=NOW)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BLOCKED_FUNDS
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn)
    assert "Пополните" in sms.body or "пополните" in sms.body
    assert (
        AuditEvent.objects.filter(subscriber=subscriber, action="subscriber.blocked_funds", channel="system").count()
        == 1
    )

    # idempotent: a second run changes nothing and says nothing
    prepaid_guard(account_ids=[subscriber.account_id, subscriber.account_id], now=NOW)
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn).count() == 1
    assert AuditEvent.objects.filter(subscriber=subscriber).count() == 1

    ledger_post(
        account=subscriber.account,
        subscriber=subscriber,
        amount=1,
        kind=LedgerEntry.Kind.PAYMENT,
        reason="payment",
        idempotency_key="p1",
        now=NOW,
    )
    prepaid_guard(account_ids=[subscriber.account_id], now=NOW)
    prepaid_guard(account_ids=[subscriber.account_id], now=NOW)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    texts = list(
        SmsMessage.objects.filter(msisdn=subscriber.msisdn).order_by("id").values_list("body_stored", flat=True)
    )
    assert len(texts) == 2
    assert "0,01" in texts[1]
    assert AuditEvent.objects.filter(subscriber=subscriber, action="subscriber.unblocked_funds").count() == 1


@pytest.mark.django_db
def test_bss_3_prepaid_guard_leaves_postpaid_paused_and_positive_alone():
    postpaid = subscriber_with_balance(0, account=AccountFactory(payment_method=Account.PaymentMethod.POSTPAID))
    paused = subscriber_with_balance(0, status=Subscriber.Status.PAUSED)
    rich = subscriber_with_balance(100)
    prepaid_guard(account_ids=[postpaid.account_id, paused.account_id, rich.account_id], now=NOW)
    assert list(Subscriber.objects.order_by("pk").values_list("status", flat=True)) == ["active", "paused", "active"]
    assert not SmsMessage.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_bss_3_prepaid_guard_blocks_every_subscriber_of_the_account():
    first = subscriber_with_balance(0)
    second = subscriber_with_balance(0, account=first.account)
    prepaid_guard(account_ids=[first.account_id], now=NOW)
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"blocked_funds"}
    assert SmsMessage.objects.count() == 2
    assert {second.msisdn, first.msisdn} == set(SmsMessage.objects.values_list("msisdn", flat=True))
