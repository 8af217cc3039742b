"""FIN-5 over real HTTP without a browser: the sandbox acquirer's worker task POSTs signed
callbacks to the live server; saved card and automatic top-up (recurring charge request)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.billing.services import ledger_post
from issa.identity.actor import Actor
from issa.notifications.models import SmsMessage
from issa.payments.models import CallbackLog, Payment, SavedCard
from issa.payments.services import auto_topup_set, low_balance_check, payment_create, payment_handoff
from issa.testing.factories import UserFactory, subscriber_with_balance

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def over_http(live_server: Any, settings: Any) -> Any:
    settings.ISSA_PUBLIC_URL = live_server.url
    settings.ISSA_SANDBOX_DELAY_SECONDS = 0
    return live_server


def _pay(subscriber: Any, card: str, *, amount: int = 1000, save_card: bool = False) -> Payment:
    user = UserFactory(subscriber=subscriber)
    now = timezone.now()
    payment = payment_create(
        payer=user, msisdn=subscriber.msisdn, amount=amount, save_card=save_card, actor=Actor.system("t"), now=now
    )
    url = payment_handoff(payment=payment, actor=Actor.system("t"), now=now)
    browser = Client()
    page = browser.get(url)
    assert page.status_code == 200
    txn_id = page.context["txn"].pk
    done = browser.post(
        f"/sandbox-acquirer/pay/{txn_id}/", {"card_number": card, "expiry": "12/30", "cvc": "123", "action": "pay"}
    )
    assert done.status_code == 302
    payment.refresh_from_db()
    return payment


def test_fin_5_delayed_card_reports_pending_then_succeeds(over_http: Any) -> None:
    subscriber = subscriber_with_balance(0)
    payment = _pay(subscriber, "4000000000000259")
    assert payment.state == Payment.State.SUCCEEDED
    events = list(CallbackLog.objects.order_by("id").values_list("event", "outcome"))
    assert events == [("payment.pending", "accepted"), ("payment.succeeded", "accepted")]
    assert account_balance(account_id=subscriber.account_id) == 1000


def test_fin_5_declined_card_credits_nothing(over_http: Any) -> None:
    subscriber = subscriber_with_balance(0)
    payment = _pay(subscriber, "4000000000000002")
    assert payment.state == Payment.State.FAILED
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_auto_top_up_charges_saved_card_when_balance_falls(over_http: Any) -> None:
    subscriber = subscriber_with_balance(0)
    _pay(subscriber, "4111111111111111", amount=1000, save_card=True)
    card = SavedCard.objects.get(subscriber=subscriber)
    assert card.last4 == "1111"
    assert "tok_" not in card.token_encrypted
    now = timezone.now()
    auto_topup_set(subscriber=subscriber, threshold=500, amount=2000, actor=Actor.system("t"), now=now)
    ledger_post(account=subscriber.account, amount=-700, kind="usage", reason="calls", idempotency_key="u1", now=now)
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    auto = Payment.objects.get(source=Payment.Source.AUTO)
    assert auto.state == Payment.State.SUCCEEDED
    assert account_balance(account_id=subscriber.account_id) == 1000 - 700 + 2000
    low_balance_check(account_ids=[subscriber.account_id], now=now)  # above the threshold now: nothing more
    assert Payment.objects.filter(source=Payment.Source.AUTO).count() == 1
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn, kind="payment").count() == 2


def test_fin_5_saved_card_token_is_not_kept_in_the_callback_log(over_http: Any) -> None:
    subscriber = subscriber_with_balance(0)
    _pay(subscriber, "4111111111111111", save_card=True)
    body = CallbackLog.objects.get(event="payment.succeeded").body
    assert '"card_token": "***"' in body
    assert "tok_" not in body
