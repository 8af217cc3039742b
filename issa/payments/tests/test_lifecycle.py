"""FIN-5 lifecycle: expiry, the receipt page, unblocking a prepaid subscriber; the settings page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.payments.models import LowBalanceAlert, Payment
from issa.payments.services import payment_create, payment_expire_due
from issa.subscribers.models import Subscriber
from issa.testing.factories import UserFactory, subscriber_with_balance

from .conftest import signed_callback, success_payload

pytestmark = pytest.mark.django_db


def _payment(subscriber: Any, amount: int = 1000) -> Payment:
    user = UserFactory(subscriber=subscriber)
    return payment_create(
        payer=user,
        msisdn=subscriber.msisdn,
        amount=amount,
        save_card=False,
        actor=Actor.system("t"),
        now=timezone.now(),
    )


def test_fin_5_unpaid_payment_expires_and_a_late_success_still_credits_once() -> None:
    subscriber = subscriber_with_balance(0)
    payment = _payment(subscriber)
    assert payment_expire_due(now=timezone.now()) == 0
    assert payment_expire_due(now=timezone.now() + timedelta(minutes=31)) == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.EXPIRED
    assert AuditEvent.objects.filter(action="payment.expire").count() == 1
    assert signed_callback(Client(), success_payload(payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_fin_5_receipt_page_through_the_payer_only() -> None:
    subscriber = subscriber_with_balance(0)
    payment = _payment(subscriber, 1234)
    signed_callback(Client(), success_payload(payment, txn="abc-1"))
    client = Client()
    assert payment.payer is not None
    client.force_login(payment.payer)
    page = client.get(f"/pay/card/{payment.public_id}/receipt/")
    assert page.status_code == 200
    assert "abc-1" in page.content.decode()
    assert "12,34" in page.content.decode()
    stranger = Client()
    stranger.force_login(UserFactory(subscriber=subscriber_with_balance(0)))
    assert stranger.get(f"/pay/card/{payment.public_id}/receipt/").status_code == 404


def test_fin_5_credit_unblocks_a_blocked_prepaid_subscriber() -> None:
    subscriber = subscriber_with_balance(100)
    now = timezone.now()
    ledger_post(account=subscriber.account, amount=-300, kind="usage", reason="calls", idempotency_key="u", now=now)
    from issa.billing.guard import prepaid_guard

    prepaid_guard(account_ids=[subscriber.account_id], now=now)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BLOCKED_FUNDS
    payment = _payment(subscriber, 1000)
    assert signed_callback(Client(), success_payload(payment)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_low_balance_alert_set_on_the_portal_and_bad_threshold_refused() -> None:
    subscriber = subscriber_with_balance(5000)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    bad = client.post("/pay/settings/", {"what": "alert", "enabled": "on", "threshold": "1000"})
    assert bad.status_code == 400
    assert not LowBalanceAlert.objects.exists()
    ok = client.post("/pay/settings/", {"what": "alert", "enabled": "on", "threshold": "5,50"})
    assert ok.status_code == 302
    assert LowBalanceAlert.objects.get(subscriber=subscriber).threshold == 550
    assert client.get("/pay/settings/").status_code == 200
    no_card = client.post("/pay/settings/", {"what": "auto", "enabled": "on", "threshold": "5", "amount": "10"})
    assert no_card.status_code == 409


def test_periodic_jobs_expire_payments_and_sweep_alerts() -> None:
    from issa.notifications.models import SmsMessage
    from issa.payments.services import alert_settings_set
    from issa.payments.tasks import expire_payments, low_balance_sweep

    subscriber = subscriber_with_balance(1000)
    payment = _payment(subscriber)
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_payments() == 1
    now = timezone.now()
    alert_settings_set(subscriber=subscriber, threshold=500, actor=Actor.system("t"), now=now)
    ledger_post(account=subscriber.account, amount=-900, kind="usage", reason="calls", idempotency_key="u", now=now)
    low_balance_sweep()
    low_balance_sweep()
    assert SmsMessage.objects.filter(kind="low_balance", msisdn=subscriber.msisdn).count() == 1
