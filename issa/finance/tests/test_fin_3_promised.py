"""FIN-3 promised («неподтверждённые») payments: up to 3 BYN, 3 days, a confirm-or-cancel step,
a list with states; withdrawn exactly once on expiry or settled by a real payment."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.finance.models import PromisedPayment
from issa.finance.services import (
    promised_cancel,
    promised_confirm,
    promised_expire_due,
    promised_settle_on_payment,
    promised_start,
    promised_sweep_awaiting,
)
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, PendingRequest
from issa.identity.services import pending_cancel_for_session

from .conftest import bearer, entries, live_session, pay

pytestmark = pytest.mark.django_db
PROMISED = LedgerEntry.Kind.PROMISED
REVERSAL = LedgerEntry.Kind.PROMISED_REVERSAL


def _rid(row: PromisedPayment) -> int:
    """The pending request of a registration (set for every web/API registration)."""
    assert row.pending_request_id is not None
    return row.pending_request_id


def _register(subscriber: Any, user: Any, key: str, web: Any, now: Any, amount: int = 300) -> PromisedPayment:
    row = promised_start(subscriber=subscriber, user=user, session_key=key, amount=amount, actor=web, now=now)
    assert row.pending_request_id is not None
    return promised_confirm(subscriber=subscriber, user=user, request_id=_rid(row), session_key=key, actor=web, now=now)


def test_fin_3_confirmed_promised_payment_credits_the_balance_for_three_days(subscriber, user, session_key, web, now):
    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    assert row.state == PromisedPayment.State.AWAITING
    assert entries(subscriber, PROMISED) == []  # nothing before the confirmation
    row = promised_confirm(
        subscriber=subscriber, user=user, request_id=_rid(row), session_key=session_key, actor=web, now=now
    )
    assert row.state == PromisedPayment.State.ACTIVE
    assert row.expires_at == now + timedelta(days=3)
    [credit] = entries(subscriber, PROMISED)
    assert credit.amount == 300
    assert credit.idempotency_key == f"fin3:promised:{row.pk}"
    assert credit.details["source"] == "promised"
    assert account_balance(account_id=subscriber.account_id) == 800
    assert AuditEvent.objects.filter(action="finance.promised_confirmed", subscriber=subscriber).count() == 1


@pytest.mark.parametrize("amount", [301, 0, -100, 100_000])
def test_fin_3_amount_over_three_roubles_or_not_positive_is_refused(subscriber, user, session_key, web, now, amount):
    with pytest.raises(DomainError) as info:
        promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=amount, actor=web, now=now)
    assert info.value.code == "promised_amount"
    assert PromisedPayment.objects.count() == 0
    assert PendingRequest.objects.count() == 0
    assert entries(subscriber, PROMISED) == []


def test_fin_3_exactly_three_roubles_is_allowed(subscriber, user, session_key, web, now):
    row = _register(subscriber, user, session_key, web, now, amount=300)
    assert row.amount == 300


def test_fin_3_none_while_one_is_active(subscriber, user, session_key, web, now):
    _register(subscriber, user, session_key, web, now, amount=100)
    with pytest.raises(DomainError) as info:
        promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=100, actor=web, now=now)
    assert info.value.code == "promised_active"
    assert len(entries(subscriber, PROMISED)) == 1


def test_fin_3_at_most_n_a_month_is_configuration(subscriber, user, session_key, web, now, settings):
    settings.ISSA_RULES = {"PROMISED_PAYMENT_PER_MONTH": 2}
    first = _register(subscriber, user, session_key, web, now, amount=100)
    promised_settle_on_payment(account=subscriber.account, amount=500, now=now)
    second = _register(subscriber, user, session_key, web, now, amount=100)
    promised_settle_on_payment(account=subscriber.account, amount=500, now=now)
    assert {first.pk, second.pk} == set(PromisedPayment.objects.filter(state="settled").values_list("pk", flat=True))
    with pytest.raises(DomainError) as info:
        promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=100, actor=web, now=now)
    assert info.value.code == "promised_month_limit"
    assert len(entries(subscriber, PROMISED)) == 2


def test_fin_3_rules_are_checked_again_at_confirmation(subscriber, user, session_key, web, now):
    """Two registrations started side by side: the second confirmation is refused, cancelled, and
    books nothing."""
    a = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=200, actor=web, now=now)
    b = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    promised_confirm(subscriber=subscriber, user=user, request_id=_rid(a), session_key=session_key, actor=web, now=now)
    with pytest.raises(DomainError) as info:
        promised_confirm(
            subscriber=subscriber,
            user=user,
            request_id=_rid(b),
            session_key=session_key,
            actor=web,
            now=now,
        )
    assert info.value.code == "promised_active"
    b.refresh_from_db()
    assert b.state == PromisedPayment.State.CANCELLED
    assert [e.amount for e in entries(subscriber, PROMISED)] == [200]


def test_fin_3_cancel_books_nothing(subscriber, user, session_key, web, now):
    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    row = promised_cancel(subscriber=subscriber, user=user, request_id=_rid(row), actor=web, now=now)
    assert row.state == PromisedPayment.State.CANCELLED
    assert entries(subscriber, PROMISED) == []
    with pytest.raises(DomainError):
        promised_confirm(
            subscriber=subscriber,
            user=user,
            request_id=_rid(row),
            session_key=session_key,
            actor=web,
            now=now,
        )
    assert entries(subscriber, PROMISED) == []


def test_fin_3_session_end_cancels_the_unconfirmed_registration(subscriber, user, session_key, web, now):
    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    pending_cancel_for_session(session_key=session_key, reason="logout", now=now)
    with pytest.raises(DomainError) as info:
        promised_confirm(
            subscriber=subscriber,
            user=user,
            request_id=_rid(row),
            session_key=session_key,
            actor=web,
            now=now,
        )
    assert info.value.code == "request_cancelled"
    row.refresh_from_db()
    assert row.state == PromisedPayment.State.CANCELLED
    assert entries(subscriber, PROMISED) == []


def test_fin_3_sweep_shows_abandoned_registrations_as_cancelled(subscriber, user, session_key, web, now):
    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    PendingRequest.objects.filter(pk=_rid(row)).update(state="expired")
    assert promised_sweep_awaiting(now=now) == 1
    row.refresh_from_db()
    assert row.state == PromisedPayment.State.CANCELLED


def test_fin_3_other_session_cannot_confirm(subscriber, user, session_key, web, now):
    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    other = live_session(user)
    with pytest.raises(DomainError):
        promised_confirm(subscriber=subscriber, user=user, request_id=_rid(row), session_key=other, actor=web, now=now)
    assert entries(subscriber, PROMISED) == []


def test_fin_3_expiry_withdraws_exactly_once_when_the_job_runs_twice(subscriber, user, session_key, web, now):
    row = _register(subscriber, user, session_key, web, now, amount=300)
    assert promised_expire_due(now=now + timedelta(days=3) - timedelta(seconds=1)) == 0  # not yet
    later = now + timedelta(days=3)
    assert promised_expire_due(now=later) == 1
    assert promised_expire_due(now=later + timedelta(minutes=10)) == 0
    [reversal] = entries(subscriber, REVERSAL)
    assert reversal.amount == -300
    assert reversal.idempotency_key == f"fin3:promised_reversal:{row.pk}"
    row.refresh_from_db()
    assert row.state == PromisedPayment.State.EXPIRED
    assert account_balance(account_id=subscriber.account_id) == 500


def test_fin_3_expiry_task_runs_the_job(subscriber, user, session_key, web, now):
    from issa.finance.tasks import promised_expire

    row = _register(subscriber, user, session_key, web, now, amount=150)
    PromisedPayment.objects.filter(pk=row.pk).update(expires_at=now - timedelta(seconds=1))
    assert promised_expire().startswith("1 expired")
    assert promised_expire().startswith("0 expired")
    assert len(entries(subscriber, REVERSAL)) == 1


def test_fin_3_real_payment_settles_the_promised_payment(subscriber, user, session_key, web, now):
    row = _register(subscriber, user, session_key, web, now, amount=300)
    pay(subscriber, 1000, now)
    promised_settle_on_payment(account=subscriber.account, amount=1000, now=now)
    promised_settle_on_payment(account=subscriber.account, amount=1000, now=now)  # a repeat does nothing
    row.refresh_from_db()
    assert row.state == PromisedPayment.State.SETTLED
    assert [e.amount for e in entries(subscriber, REVERSAL)] == [-300]
    assert promised_expire_due(now=now + timedelta(days=4)) == 0  # settled: never withdrawn again
    assert account_balance(account_id=subscriber.account_id) == 1500


def test_fin_3_settle_without_an_active_promised_payment_does_nothing(subscriber, now):
    promised_settle_on_payment(account=subscriber.account, amount=1000, now=now)
    assert entries(subscriber, REVERSAL) == []


# --- portal -------------------------------------------------------------------------------------


def test_fin_3_portal_wizard_next_amount_confirm_then_list(logged_in, subscriber):
    page = logged_in.get(reverse("portal:finance_promised_new"))
    assert page.status_code == 200
    assert "?step=amount" in page.content.decode()
    assert logged_in.get(reverse("portal:finance_promised_new") + "?step=amount").status_code == 200
    response = logged_in.post(reverse("portal:finance_promised_new"), {"amount": "2,50"})
    assert response.status_code == 302
    row = PromisedPayment.objects.get(subscriber=subscriber)
    assert response["Location"] == reverse("portal:finance_promised_confirm", args=[row.pending_request_id])
    assert entries(subscriber, PROMISED) == []
    confirm = logged_in.post(response["Location"], {"confirm": "1"})
    assert confirm.status_code == 302
    [credit] = entries(subscriber, PROMISED)
    assert credit.amount == 250
    listing = logged_in.get(reverse("portal:finance_promised")).content.decode()
    assert 'data-state="active"' in listing
    assert "7,50" in listing  # the balance 5,00 + 2,50


def test_fin_3_portal_over_the_limit_refused_with_message(logged_in, subscriber):
    response = logged_in.post(reverse("portal:finance_promised_new"), {"amount": "3,01"})
    assert response.status_code == 400
    assert 'data-code="promised_amount"' in response.content.decode()
    assert PromisedPayment.objects.count() == 0
    assert entries(subscriber, PROMISED) == []


def test_fin_3_portal_cancel_step(logged_in, subscriber):
    response = logged_in.post(reverse("portal:finance_promised_new"), {"amount": "1"})
    logged_in.post(response["Location"], {"cancel": "1"})
    assert PromisedPayment.objects.get().state == PromisedPayment.State.CANCELLED
    assert entries(subscriber, PROMISED) == []


def test_fin_3_portal_other_users_request_is_404(logged_in, subscriber, now):
    from issa.testing.factories import UserFactory, subscriber_with_balance

    stranger_sub = subscriber_with_balance(100, now=now)
    stranger = UserFactory(subscriber=stranger_sub)
    key = live_session(stranger)
    row = promised_start(
        subscriber=stranger_sub,
        user=stranger,
        session_key=key,
        amount=100,
        actor=Actor(channel="web", user=stranger),
        now=now,
    )
    url = reverse("portal:finance_promised_confirm", args=[row.pending_request_id])
    assert logged_in.get(url).status_code == 404
    assert logged_in.post(url, {"confirm": "1"}).status_code == 404
    assert entries(stranger_sub, PROMISED) == []


# --- API ----------------------------------------------------------------------------------------


def test_fin_3_api_register_confirm_and_list(client, user, subscriber, now):
    auth = bearer(user, now)
    started = client.post(
        "/api/finance/promised", json.dumps({"amount": "3"}), content_type="application/json", headers=auth
    )
    assert started.status_code == 202, started.content
    request_id = started.json()["request_id"]
    assert entries(subscriber, PROMISED) == []
    done = client.post(f"/api/finance/requests/{request_id}/confirm", headers=auth)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "active"
    assert done.json()["balance_kopecks"] == 800
    listing = client.get("/api/finance/promised", headers=auth).json()
    assert [(r["amount_kopecks"], r["state"]) for r in listing] == [(300, "active")]


def test_fin_3_api_over_the_limit_refused(client, user, subscriber, now):
    auth = bearer(user, now)
    response = client.post(
        "/api/finance/promised", json.dumps({"amount": "3,50"}), content_type="application/json", headers=auth
    )
    assert response.status_code == 400
    assert response.json()["code"] == "promised_amount"
    assert entries(subscriber, PROMISED) == []
    assert PromisedPayment.objects.count() == 0


# --- USSD ---------------------------------------------------------------------------------------

TOKEN = "test-ussd-token"


def _ussd(client: Any, session: str, msisdn: str, text: str) -> dict[str, Any]:
    with override_settings(ISSA_USSD_TOKEN=TOKEN):
        response = client.post(
            "/ussd/gateway",
            json.dumps({"session_id": session, "msisdn": msisdn, "text": text}),
            content_type="application/json",
            headers={"x-ussd-token": TOKEN},
        )
    assert response.status_code == 200
    return response.json()


def test_fin_3_ussd_dialogue_confirms_a_promised_payment(client, subscriber):
    first = _ussd(client, "u1", subscriber.msisdn, "*141*7#")
    assert first["end"] is False
    assert "3,00" in first["text"]
    second = _ussd(client, "u1", subscriber.msisdn, "2")
    assert second["end"] is False
    assert entries(subscriber, PROMISED) == []
    third = _ussd(client, "u1", subscriber.msisdn, "1")
    assert third["end"] is True
    assert [e.amount for e in entries(subscriber, PROMISED)] == [200]
    assert PromisedPayment.objects.get().channel == "ussd"


def test_fin_3_ussd_over_the_limit_and_cancel_book_nothing(client, subscriber):
    refused = _ussd(client, "u2", subscriber.msisdn, "*141*7*5#")
    assert refused["end"] is True
    assert "3,00" in refused["text"]
    _ussd(client, "u3", subscriber.msisdn, "*141*7*1#")
    cancelled = _ussd(client, "u3", subscriber.msisdn, "2")
    assert cancelled["end"] is True
    assert entries(subscriber, PROMISED) == []
    assert PromisedPayment.objects.count() == 0
