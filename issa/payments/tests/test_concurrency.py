"""FIN-4/FIN-5 on PostgreSQL: parallel callbacks and parallel redemptions (real row locks).

Run with DATABASE_URL=postgres://…; skipped on SQLite (which serialises writers anyway).
"""

from __future__ import annotations

import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.payments.models import CallbackLog
from issa.payments.services import express_batch_issue, express_card_redeem, payment_create
from issa.payments.signing import signature_header
from issa.testing.factories import UserFactory, subscriber_with_balance

from .conftest import success_payload

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")


def _post(body: bytes, header: str) -> int:
    try:
        response = Client().generic(
            "POST", "/payments/callback", body, content_type="application/json", HTTP_X_SIGNATURE=header
        )
        return response.status_code
    finally:
        connections.close_all()


def test_fin_5_100_parallel_callbacks_for_20_payments_end_with_exact_balances() -> None:
    now = timezone.now()
    subscribers = [subscriber_with_balance(100) for _ in range(5)]
    user = UserFactory(subscriber=subscribers[0])
    payments = []
    for i in range(20):
        target = subscribers[i % 5]
        payments.append(
            payment_create(
                payer=user,
                msisdn=target.msisdn,
                amount=100 * (i + 1),
                save_card=False,
                actor=Actor.system("t"),
                now=now,
            )
        )
    jobs: list[tuple[bytes, str]] = []
    ts = int(time.time())
    for i, payment in enumerate(payments):
        body = json.dumps(success_payload(payment, txn=f"t{i}")).encode()
        # the same result, signed again (acquirer retries)
        jobs.extend(
            (body, signature_header(secret=settings.ISSA_ACQUIRER_SECRET, timestamp=ts - k, body=body))
            for k in range(3)
        )
        header = signature_header(secret=settings.ISSA_ACQUIRER_SECRET, timestamp=ts, body=body)
        jobs.append((body, header))  # an exact replay of the first
        forged = json.dumps(success_payload(payment, txn=f"f{i}", amount=payment.amount)).encode()
        jobs.append((forged, signature_header(secret="wrong", timestamp=ts, body=forged)))
    assert len(jobs) == 100
    random.Random(7).shuffle(jobs)
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda job: _post(*job), jobs))
    assert statuses.count(401) == 20
    assert statuses.count(409) == 20  # one exact replay per payment
    assert statuses.count(200) == 60
    expected = {s.account_id: 100 for s in subscribers}
    for i, payment in enumerate(payments):
        expected[payment.account_id] += 100 * (i + 1)
    for account_id, balance in expected.items():
        assert account_balance(account_id=account_id) == balance
    assert LedgerEntry.objects.filter(kind="payment").count() == 20
    assert CallbackLog.objects.filter(outcome="accepted").count() == 20


def test_fin_4_10_parallel_redemptions_of_one_card_credit_once() -> None:
    _batch, codes = express_batch_issue(
        face_value=1000, quantity=1, note="", actor=Actor.system("t"), now=timezone.now()
    )
    subscribers = [subscriber_with_balance(0) for _ in range(10)]

    def redeem(subscriber: Any) -> str:
        try:
            express_card_redeem(
                subscriber=subscriber, code=codes[0], actor=Actor(channel="web", ip="10.0.0.1"), now=timezone.now()
            )
            return "won"
        except DomainError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(redeem, subscribers))
    assert results.count("won") == 1
    assert results.count("express_card_used") == 9
    assert sum(account_balance(account_id=s.account_id) for s in subscribers) == 1000
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
