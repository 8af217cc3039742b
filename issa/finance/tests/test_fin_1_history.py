"""FIN-1 payment history: what was credited and when, with the source, for the last 2 months."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from issa.finance.selectors import history_since, payment_history

from .conftest import bearer, pay

pytestmark = pytest.mark.django_db


def test_fin_1_window_is_two_months_from_the_same_local_day():
    now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert history_since(now) == datetime(2026, 9, 24, 21, 0, tzinfo=UTC)  # 25.09 00:00 Minsk
    assert history_since(datetime(2026, 4, 30, 12, 0, tzinfo=UTC)) == datetime(2026, 2, 27, 21, 0, tzinfo=UTC)


def test_fin_1_history_lists_payments_of_the_last_two_months_with_source(subscriber, now):
    old = pay(subscriber, 1000, history_since(now) - timedelta(seconds=1))
    first = pay(subscriber, 1500, history_since(now), source="express_card")
    last = pay(subscriber, 2000, now - timedelta(days=1), source="card")
    lines = payment_history(account_id=subscriber.account_id, now=now)
    assert [(line.id, line.amount, line.source) for line in lines] == [
        (last.pk, 2000, "card"),
        (first.pk, 1500, "express_card"),
    ]
    assert old.pk not in {line.id for line in lines}


def test_fin_1_promised_credits_and_charges_are_not_payments(subscriber, now):
    from issa.billing.services import ledger_post

    ledger_post(account=subscriber.account, amount=300, kind="promised", reason="p", idempotency_key="h:p", now=now)
    ledger_post(account=subscriber.account, amount=-300, kind="usage", reason="u", idempotency_key="h:u", now=now)
    assert payment_history(account_id=subscriber.account_id, now=now) == []


def test_fin_1_portal_page(logged_in, subscriber, now):
    pay(subscriber, 1234, now - timedelta(days=3), source="card")
    page = logged_in.get(reverse("portal:finance_history"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "12,34" in text
    assert "Банковская карточка" in text
    assert "История платежей" in text
    assert logged_in.get(reverse("portal:finance")).status_code == 302


def test_fin_1_api(client, user, subscriber, now):
    entry = pay(subscriber, 700, now - timedelta(days=2), source="express_card")
    data = client.get("/api/finance/history", headers=bearer(user, now)).json()
    assert [(p["id"], p["amount_kopecks"], p["source"]) for p in data["payments"]] == [(entry.pk, 700, "express_card")]


def test_fin_1_anonymous_is_refused(client):
    assert client.get("/api/finance/history").status_code == 401
    assert client.get(reverse("portal:finance_history")).status_code == 302


def test_fin_1_a_source_the_portal_does_not_know_reads_as_a_payment_never_its_code(logged_in, subscriber, now):
    pay(subscriber, 4321, now - timedelta(days=2), source="partner_x")
    (line,) = payment_history(account_id=subscriber.account_id, now=now)
    assert line.source == "partner_x"  # the code stays for programs (the API)
    text = logged_in.get(reverse("portal:finance_history")).content.decode()
    assert "43,21" in text
    assert "Платёж" in text
    assert "partner_x" not in text
