"""FIN-2 installments: payments left, monthly amount, payoff date; the monthly charge once per plan
and month; early write-off of the next payments when the balance covers them, after confirmation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.finance.models import InstallmentPayment, InstallmentPlan
from issa.finance.services import (
    installment_early_cancel,
    installment_early_confirm,
    installment_early_start,
    installment_plan_create,
    installment_plans,
    installments_charge_month,
)
from issa.identity.actor import Actor

from .conftest import bearer, entries

pytestmark = pytest.mark.django_db
INSTALLMENT = LedgerEntry.Kind.INSTALLMENT
SALES = Actor(channel="admin", label="sales centre")


@pytest.fixture
def plan(subscriber: Any, now: datetime) -> InstallmentPlan:
    # 100,00 in 3 payments: 33,34 + 33,34 + 33,32, from November 2026
    return installment_plan_create(
        subscriber=subscriber,
        device_name="Смартфон Galaxy A15",
        total=10000,
        payments_count=3,
        first_month=date(2026, 11, 1),
        actor=SALES,
        now=now,
    )


def test_fin_2_plan_shows_payments_left_monthly_amount_and_payoff_date(plan, subscriber):
    [view] = installment_plans(account_id=subscriber.account_id)
    assert view.plan.monthly_amount == 3334
    assert (view.left_count, view.left_amount) == (3, 10000)
    assert view.next_due == date(2026, 11, 1)
    assert view.payoff_date == date(2027, 1, 1)


def test_fin_2_monthly_charge_once_per_plan_and_month(plan, subscriber):
    nov = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # 03:30 in Minsk, 1 November
    assert installments_charge_month(now=nov) == 1
    assert installments_charge_month(now=nov) == 0  # the job run twice
    assert installments_charge_month(now=datetime(2026, 11, 20, tzinfo=UTC)) == 0  # daily runs later that month
    assert [e.amount for e in entries(subscriber, INSTALLMENT)] == [-3334]
    assert installments_charge_month(now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC)) == 1
    assert installments_charge_month(now=datetime(2027, 1, 1, 1, 0, tzinfo=UTC)) == 1
    assert installments_charge_month(now=datetime(2027, 2, 1, 1, 0, tzinfo=UTC)) == 0
    assert sorted(e.amount for e in entries(subscriber, INSTALLMENT)) == [-3334, -3334, -3332]
    plan.refresh_from_db()
    assert plan.state == InstallmentPlan.State.PAID_OFF


def test_fin_2_monthly_job_catches_up_missed_months(plan, subscriber):
    assert installments_charge_month(now=datetime(2026, 12, 15, tzinfo=UTC)) == 2
    assert InstallmentPayment.objects.filter(plan=plan).count() == 2


def test_fin_2_early_write_off_after_confirmation(plan, subscriber, user, session_key, web, now):
    from issa.billing.services import ledger_post

    ledger_post(account=subscriber.account, amount=10000, kind="payment", reason="t", idempotency_key="t:p", now=now)
    req, amount = installment_early_start(
        subscriber=subscriber, user=user, session_key=session_key, plan_id=plan.pk, count=2, actor=web, now=now
    )
    assert amount == 6668
    assert entries(subscriber, INSTALLMENT) == []  # nothing before "Подтвердить"
    paid = installment_early_confirm(
        subscriber=subscriber, user=user, request_id=req.pk, session_key=session_key, actor=web, now=now
    )
    assert paid == 6668
    assert sorted(e.idempotency_key for e in entries(subscriber, INSTALLMENT)) == [
        f"fin2:installment:{plan.pk}:1",
        f"fin2:installment:{plan.pk}:2",
    ]
    assert account_balance(account_id=subscriber.account_id) == 500 + 10000 - 6668
    # the monthly job does not charge the payments already written off
    assert installments_charge_month(now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC)) == 0
    assert installments_charge_month(now=datetime(2027, 1, 1, 1, 0, tzinfo=UTC)) == 1
    assert len(entries(subscriber, INSTALLMENT)) == 3


def test_fin_2_early_write_off_refused_when_the_balance_is_not_enough(plan, subscriber, user, session_key, web, now):
    with pytest.raises(DomainError) as info:
        installment_early_start(
            subscriber=subscriber, user=user, session_key=session_key, plan_id=plan.pk, count=1, actor=web, now=now
        )
    assert info.value.code == "installment_balance"  # 5,00 on the balance, 33,34 needed
    assert entries(subscriber, INSTALLMENT) == []


def test_fin_2_balance_spent_before_confirmation_refuses_and_writes_nothing(
    plan, subscriber, user, session_key, web, now
):
    from issa.billing.services import ledger_post

    ledger_post(account=subscriber.account, amount=3000, kind="payment", reason="t", idempotency_key="t:p2", now=now)
    req, _ = installment_early_start(
        subscriber=subscriber, user=user, session_key=session_key, plan_id=plan.pk, count=1, actor=web, now=now
    )
    ledger_post(account=subscriber.account, amount=-1000, kind="usage", reason="t", idempotency_key="t:u", now=now)
    with pytest.raises(DomainError) as info:
        installment_early_confirm(
            subscriber=subscriber, user=user, request_id=req.pk, session_key=session_key, actor=web, now=now
        )
    assert info.value.code == "installment_balance"
    assert entries(subscriber, INSTALLMENT) == []


def test_fin_2_cancelled_write_off_books_nothing(plan, subscriber, user, session_key, web, now):
    from issa.billing.services import ledger_post

    ledger_post(account=subscriber.account, amount=5000, kind="payment", reason="t", idempotency_key="t:p3", now=now)
    req, _ = installment_early_start(
        subscriber=subscriber, user=user, session_key=session_key, plan_id=plan.pk, count=1, actor=web, now=now
    )
    installment_early_cancel(user=user, request_id=req.pk, actor=web, now=now)
    with pytest.raises(DomainError):
        installment_early_confirm(
            subscriber=subscriber, user=user, request_id=req.pk, session_key=session_key, actor=web, now=now
        )
    assert entries(subscriber, INSTALLMENT) == []


def test_fin_2_another_accounts_plan_is_not_found(plan, user, session_key, web, now):
    from issa.testing.factories import subscriber_with_balance

    other = subscriber_with_balance(100_000, now=now)
    with pytest.raises(DomainError) as info:
        installment_early_start(
            subscriber=other, user=user, session_key=session_key, plan_id=plan.pk, count=1, actor=web, now=now
        )
    assert info.value.code == "not_found"


def test_fin_2_portal_page_and_early_write_off_with_confirmation(logged_in, plan, subscriber, now):
    from issa.billing.services import ledger_post

    page = logged_in.get(reverse("portal:finance_installments")).content.decode()
    assert "Смартфон Galaxy A15" in page
    assert "01.01.2027" in page  # payoff date
    assert "33,34" in page
    refused = logged_in.post(reverse("portal:finance_installments"), {"plan": plan.pk, "count": 1})
    assert refused.status_code == 409
    assert 'data-code="installment_balance"' in refused.content.decode()
    ledger_post(account=subscriber.account, amount=5000, kind="payment", reason="t", idempotency_key="t:p4", now=now)
    started = logged_in.post(reverse("portal:finance_installments"), {"plan": plan.pk, "count": 1})
    assert started.status_code == 302
    assert entries(subscriber, INSTALLMENT) == []
    done = logged_in.post(started["Location"], {"confirm": "1"})
    assert done.status_code == 302
    assert [e.amount for e in entries(subscriber, INSTALLMENT)] == [-3334]


def test_fin_2_api_list_and_early_write_off(client, user, plan, subscriber, now):
    from issa.billing.services import ledger_post

    ledger_post(account=subscriber.account, amount=5000, kind="payment", reason="t", idempotency_key="t:p5", now=now)
    auth = bearer(user, now)
    [item] = client.get("/api/finance/installments", headers=auth).json()
    assert (item["payments_left"], item["monthly_kopecks"], item["payoff_date"]) == (3, 3334, "2027-01-01")
    started = client.post(
        f"/api/finance/installments/{plan.pk}/early",
        json.dumps({"count": 1}),
        content_type="application/json",
        headers=auth,
    )
    assert started.status_code == 202, started.content
    done = client.post(f"/api/finance/requests/{started.json()['request_id']}/confirm", headers=auth)
    assert done.status_code == 200, done.content
    assert done.json()["amount_kopecks"] == 3334
    assert [e.amount for e in entries(subscriber, INSTALLMENT)] == [-3334]
