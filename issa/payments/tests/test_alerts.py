"""Beyond the seed: the low-balance SMS alert (once per fall below the threshold)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.identity.actor import Actor
from issa.notifications.models import SmsMessage
from issa.payments.services import alert_settings_set, low_balance_check

pytestmark = pytest.mark.django_db


def test_low_balance_alert_sent_once_and_rearmed() -> None:
    from issa.testing.factories import subscriber_with_balance

    subscriber = subscriber_with_balance(1000)
    now = timezone.now()
    alert_settings_set(subscriber=subscriber, threshold=500, actor=Actor.system("t"), now=now)
    assert not SmsMessage.objects.filter(kind="low_balance").exists()
    ledger_post(
        account=subscriber.account, amount=-600, kind=LedgerEntry.Kind.USAGE, reason="x", idempotency_key="d1", now=now
    )
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    assert SmsMessage.objects.filter(kind="low_balance", msisdn=subscriber.msisdn).count() == 1
    ledger_post(
        account=subscriber.account, amount=600, kind=LedgerEntry.Kind.PAYMENT, reason="x", idempotency_key="c1", now=now
    )
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    ledger_post(
        account=subscriber.account, amount=-600, kind=LedgerEntry.Kind.USAGE, reason="x", idempotency_key="d2", now=now
    )
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    assert SmsMessage.objects.filter(kind="low_balance", msisdn=subscriber.msisdn).count() == 2
