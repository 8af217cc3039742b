"""FIN-5: card top-up — the signed callback alone credits; refused callbacks change nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.notifications.models import SmsMessage
from issa.payments.models import CallbackLog, Payment, Receipt
from issa.payments.services import payment_create, payment_handoff
from issa.testing.factories import UserFactory, subscriber_with_balance

from .conftest import signed_callback, success_payload

pytestmark = pytest.mark.django_db


def _payment(amount: int = 1000, **kw: Any) -> tuple[Any, Payment]:
    subscriber = subscriber_with_balance(500)
    user = UserFactory(subscriber=subscriber)
    target = kw.pop("target", subscriber)
    payment = payment_create(
        payer=user, msisdn=target.msisdn, amount=amount, save_card=False, actor=Actor.system("t"), now=timezone.now()
    )
    return user, payment


def _payments_entries(account_id: int) -> int:
    return LedgerEntry.objects.filter(account_id=account_id, kind=LedgerEntry.Kind.PAYMENT).count()


def test_fin_5_signed_callback_credits_once_with_receipt_and_sms(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _user, payment = _payment(1000)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        first = signed_callback(client, success_payload(payment))
    time.sleep(1)  # a retried callback is signed again with a new timestamp
    with django_capture_on_commit_callbacks(execute=True):
        second = signed_callback(client, success_payload(payment))
    assert first.status_code == 200
    assert first.json()["outcome"] == "accepted"
    assert second.status_code == 200
    assert second.json()["outcome"] == "duplicate"
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    assert account_balance(account_id=payment.account_id) == 1500
    assert _payments_entries(payment.account_id) == 1
    assert LedgerEntry.objects.get(kind="payment").idempotency_key == "card:sandbox:txn-1"
    assert Receipt.objects.get(payment=payment).amount == 1000
    sms = SmsMessage.objects.filter(msisdn=payment.msisdn, kind="payment").get()
    assert "10,00" in sms.body
    assert "15,00" in sms.body


@pytest.mark.parametrize(
    ("case", "status", "outcome"),
    [
        ("forged", 401, "forged"),
        ("stale", 401, "stale"),
        ("amount", 409, "mismatch"),
        ("currency", 409, "mismatch"),
        ("unknown", 404, "unknown"),
        ("malformed", 401, "malformed"),
    ],
)
def test_fin_5_bad_callback_refused_recorded_and_nothing_credited(case: str, status: int, outcome: str) -> None:
    _user, payment = _payment(1000)
    client = Client()
    payload = success_payload(payment)
    kwargs: dict[str, Any] = {}
    if case == "forged":
        kwargs["secret"] = "not-the-secret"
    elif case == "stale":
        kwargs["ts"] = int(time.time()) - 301
    elif case == "amount":
        payload["amount"] = 100000
    elif case == "currency":
        payload["currency"] = "USD"
    elif case == "unknown":
        payload["order_id"] = "5b1c5a2e-0000-4000-8000-000000000000"
    elif case == "malformed":
        kwargs["header"] = "t=1,v1=zz"
    response = signed_callback(client, payload, **kwargs)
    assert response.status_code == status
    assert CallbackLog.objects.get().outcome == outcome
    assert _payments_entries(payment.account_id) == 0
    assert account_balance(account_id=payment.account_id) == 500
    payment.refresh_from_db()
    assert payment.state == Payment.State.CREATED


def test_fin_5_replayed_callback_refused() -> None:
    _user, payment = _payment(1000)
    client = Client()
    import json

    from django.conf import settings

    from issa.payments.signing import signature_header

    body = json.dumps(success_payload(payment)).encode()
    header = signature_header(secret=settings.ISSA_ACQUIRER_SECRET, timestamp=int(time.time()), body=body)
    one = client.generic("POST", "/payments/callback", body, content_type="application/json", HTTP_X_SIGNATURE=header)
    two = client.generic("POST", "/payments/callback", body, content_type="application/json", HTTP_X_SIGNATURE=header)
    assert (one.status_code, two.status_code) == (200, 409)
    assert list(CallbackLog.objects.order_by("id").values_list("outcome", flat=True)) == ["accepted", "replayed"]
    assert _payments_entries(payment.account_id) == 1


def test_fin_5_declined_payment_fails_without_credit() -> None:
    _user, payment = _payment(1000)
    response = signed_callback(Client(), success_payload(payment, type="payment.failed", reason="declined"))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.state == Payment.State.FAILED
    assert _payments_entries(payment.account_id) == 0


@pytest.mark.parametrize("amount", [99, 50001])
def test_fin_5_amount_limits_refused(amount: int) -> None:
    subscriber = subscriber_with_balance(500)
    user = UserFactory(subscriber=subscriber)
    with pytest.raises(DomainError) as err:
        payment_create(
            payer=user,
            msisdn=subscriber.msisdn,
            amount=amount,
            save_card=False,
            actor=Actor.system("t"),
            now=timezone.now(),
        )
    assert err.value.code == "payment_amount_out_of_range"
    assert Payment.objects.count() == 0


def test_fin_5_top_up_of_another_number_credits_that_number() -> None:
    other = subscriber_with_balance(0)
    _user, payment = _payment(2500, target=other)
    assert payment.account_id == other.account_id
    assert signed_callback(Client(), success_payload(payment)).status_code == 200
    assert account_balance(account_id=other.account_id) == 2500


def test_fin_5_portal_redirects_to_hosted_page_and_return_only_shows_state() -> None:
    subscriber = subscriber_with_balance(500)
    user = UserFactory(subscriber=subscriber)
    client = Client()
    client.force_login(user)
    response = client.post("/pay/card/", {"msisdn": subscriber.msisdn, "amount": "10,50"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sandbox-acquirer/pay/?")
    payment = Payment.objects.get()
    assert payment.amount == 1050
    assert payment.state == Payment.State.PENDING
    page = client.get(f"/pay/card/{payment.public_id}/")
    assert page.status_code == 200
    assert _payments_entries(subscriber.account_id) == 0  # the browser's return credits nothing
    # another user's payment: 404
    stranger = Client()
    stranger.force_login(UserFactory(subscriber=subscriber_with_balance(0)))
    assert stranger.get(f"/pay/card/{payment.public_id}/").status_code == 404


def test_fin_5_portal_refuses_bad_amount_and_nothing_is_created() -> None:
    subscriber = subscriber_with_balance(500)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    response = client.post("/pay/card/", {"msisdn": subscriber.msisdn, "amount": "abc"})
    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_fin_5_api_creates_top_up_and_reads_state() -> None:
    subscriber = subscriber_with_balance(500)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    created = client.post("/api/payments/topups", {"amount_kopecks": 700}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "pending"
    assert body["payment_url"].startswith("/sandbox-acquirer/pay/")
    assert client.get(f"/api/payments/topups/{body['id']}").json()["state"] == "pending"
    assert len(client.get("/api/payments/topups").json()) == 1


def test_fin_5_sandbox_refuses_unsigned_request() -> None:
    _user, payment = _payment(1000)
    url = payment_handoff(payment=payment, actor=Actor.system("t"), now=timezone.now())
    assert Client().get(url).status_code == 200
    assert Client().get(url.replace("amount=1000", "amount=1")).status_code == 403


def test_fin_5_api_another_users_payment_is_404() -> None:
    _user, payment = _payment(1000)
    stranger = Client()
    stranger.force_login(UserFactory(subscriber=subscriber_with_balance(0)))
    assert stranger.get(f"/api/payments/topups/{payment.public_id}").status_code == 404
    assert stranger.get("/api/payments/topups").json() == []


def test_fin_5_number_not_served_refused_and_nothing_created() -> None:
    subscriber = subscriber_with_balance(0)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    response = client.post(
        "/api/payments/topups", {"amount_kopecks": 700, "msisdn": "375299999999"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_subscriber"
    assert Payment.objects.count() == 0
