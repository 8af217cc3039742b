"""FIN-6 refund of an erroneous payment: the four limits at each boundary, otherwise the seed's
message; review within 3 Belarusian working days; approval moves the money in one transaction;
the result by SMS; the state in the portal and the API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.finance.models import RefundRequest
from issa.finance.services import refund_approve, refund_reject, refund_request_create, refundable_payments
from issa.finance.services.refunds import digits_different
from issa.finance.services.workdays import add_working_days, is_working_day
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.notifications.models import SmsMessage
from issa.testing.factories import TariffPlanFactory, UserFactory, subscriber_with_balance
from issa.testing.staff import staff_login

from .conftest import bearer, pay

pytestmark = pytest.mark.django_db
WRONG = "375291200011"
RIGHT = "375291200012"  # one digit differs
STAFF = Actor(channel="admin", label="staff reviewer")
MOVED = (LedgerEntry.Kind.REFUND, LedgerEntry.Kind.TRANSFER)


@pytest.fixture
def wrong(db: Any, now: datetime) -> Any:
    return subscriber_with_balance(0, msisdn=WRONG)


@pytest.fixture
def right(db: Any, now: datetime) -> Any:
    return subscriber_with_balance(100, msisdn=RIGHT, now=now - timedelta(days=30))


@pytest.fixture
def wrong_user(wrong: Any) -> Any:
    return UserFactory(subscriber=wrong)


def _moves() -> int:
    return LedgerEntry.objects.filter(kind__in=MOVED).count()


def _request(wrong: Any, payment: LedgerEntry, right_number: str = RIGHT, now: datetime | None = None) -> Any:
    return refund_request_create(
        subscriber=wrong,
        payment_id=payment.pk,
        right_number=right_number,
        actor=Actor(channel="web"),
        now=now or payment.effective_at + timedelta(hours=1),
    )


def _refused(wrong: Any, payment: LedgerEntry, reason: str, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        _request(wrong, payment, **kwargs)
    assert info.value.code == "refund_not_allowed"
    assert info.value.params["reason"] == reason
    assert RefundRequest.objects.count() == 0
    assert _moves() == 0
    return info.value


# --- the four limits, at each boundary ----------------------------------------------------------


def test_fin_6_amount_of_exactly_30_roubles_is_allowed(wrong, right, now):
    request = _request(wrong, pay(wrong, 3000, now))
    assert request.state == RefundRequest.State.SUBMITTED
    assert request.amount == 3000
    assert AuditEvent.objects.filter(action="finance.refund_requested").count() == 1


def test_fin_6_amount_over_30_roubles_sends_to_a_sales_centre(wrong, right, now):
    error = _refused(wrong, pay(wrong, 3001, now), "amount")
    with translation.override("ru"):
        assert "центры продаж" in error.text()


def test_fin_6_fourteen_days_is_allowed_a_second_more_is_not(wrong, right, now):
    payment = pay(wrong, 1000, now - timedelta(days=14))
    _refused(wrong, payment, "days", now=payment.effective_at + timedelta(days=14, seconds=1))
    request = _request(wrong, payment, now=payment.effective_at + timedelta(days=14))
    assert request.payment_id == payment.pk


def test_fin_6_two_digits_different_is_allowed(wrong, now):
    subscriber_with_balance(0, msisdn="375291200022")  # ...11 -> ...22: two digits
    request = _request(wrong, pay(wrong, 500, now), right_number="+375 29 120-00-22")
    assert request.right_msisdn == "375291200022"


def test_fin_6_three_digits_different_is_refused(wrong, now):
    subscriber_with_balance(0, msisdn="375291200322")  # three digits differ
    _refused(wrong, pay(wrong, 500, now), "digits", right_number="375291200322")


def test_fin_6_digit_difference_is_digit_wise_same_length():
    assert digits_different("375291200011", "375291200012") == 1
    assert digits_different("375291200011", "375291200110") == 2
    assert digits_different("375291200011", "37529120001") is None


def test_fin_6_right_number_of_another_operator_sends_to_a_sales_centre(wrong, now):
    _refused(wrong, pay(wrong, 500, now), "other_operator")  # RIGHT is not served here (no fixture)


def test_fin_6_same_number_or_garbage_is_a_form_error(wrong, right, now):
    payment = pay(wrong, 500, now)
    for number, code in [(WRONG, "refund_same_number"), ("12345", "refund_right_number")]:
        with pytest.raises(DomainError) as info:
            _request(wrong, payment, right_number=number)
        assert info.value.code == code
    assert RefundRequest.objects.count() == 0


def test_fin_6_privet_unspent_is_allowed_spent_is_refused(right, now):
    privet = TariffPlanFactory(code="privet", name="ПРИВЕТ", brand="ПРИВЕТ")
    wrong = subscriber_with_balance(0, msisdn=WRONG, plan=privet)
    payment = pay(wrong, 1000, now)
    from issa.billing.services import ledger_post

    ledger_post(
        account=wrong.account,
        amount=-1,
        kind=LedgerEntry.Kind.USAGE,
        reason="a call",
        idempotency_key="test:usage:1",
        now=now,
    )
    _refused(wrong, payment, "spent")
    pay(wrong, 1, now)  # the balance holds the whole amount again
    assert _request(wrong, payment).state == RefundRequest.State.SUBMITTED


def test_fin_6_another_accounts_payment_is_not_found(wrong, right, now):
    payment = pay(right, 500, now)
    with pytest.raises(DomainError) as info:
        _request(wrong, payment)
    assert info.value.code == "not_found"


def test_fin_6_one_live_request_per_payment(wrong, right, now):
    payment = pay(wrong, 500, now)
    _request(wrong, payment)
    assert refundable_payments(account_id=wrong.account_id, now=now) == []
    with pytest.raises(DomainError) as info:
        _request(wrong, payment)
    assert info.value.code == "refund_exists"


# --- review: working days, approve, reject --------------------------------------------------------


def test_fin_6_due_date_counts_belarusian_working_days_across_a_holiday(wrong, right):
    # Friday 2 January 2026 (Minsk): Mon 5, Tue 6 are working days, Wed 7 (Orthodox Christmas) is not.
    at = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    request = _request(wrong, pay(wrong, 500, at), now=at)
    assert request.due_on == date(2026, 1, 8)
    assert not is_working_day(date(2026, 1, 7))


def test_fin_6_transferred_working_saturday_counts():
    # 2026: Monday 20 April is a day off moved from Saturday 25 April (a working day).
    assert is_working_day(date(2026, 4, 25))
    assert not is_working_day(date(2026, 4, 20))
    assert add_working_days(date(2026, 4, 23), 3) == date(2026, 4, 27)
    assert add_working_days(date(2026, 4, 17), 1) == date(2026, 4, 22)  # Fri -> (20, 21 off) -> Wed


def test_fin_6_approval_moves_the_money_in_one_transaction_and_tells_by_sms(wrong, right, now):
    request = _request(wrong, pay(wrong, 2500, now))
    refund_approve(request_id=request.pk, actor=STAFF, now=now)
    request.refresh_from_db()
    assert request.state == RefundRequest.State.APPROVED
    debit = LedgerEntry.objects.get(idempotency_key=f"fin6:refund:{request.pk}:debit")
    credit = LedgerEntry.objects.get(idempotency_key=f"fin6:refund:{request.pk}:credit")
    assert (debit.account_id, debit.amount) == (wrong.account_id, -2500)
    assert (credit.account_id, credit.amount) == (right.account_id, 2500)
    assert account_balance(account_id=wrong.account_id) == 0
    assert account_balance(account_id=right.account_id) == 2600
    [sms] = SmsMessage.objects.filter(msisdn=WRONG, kind="refund")
    assert "25,00" in sms.body
    with pytest.raises(DomainError):
        refund_approve(request_id=request.pk, actor=STAFF, now=now)
    assert _moves() == 2


def test_fin_6_rejection_needs_a_reason_and_moves_nothing(wrong, right, now):
    request = _request(wrong, pay(wrong, 500, now))
    with pytest.raises(DomainError) as info:
        refund_reject(request_id=request.pk, reason="  ", actor=STAFF, now=now)
    assert info.value.code == "refund_reason"
    refund_reject(request_id=request.pk, reason="Платёж зачислен верно", actor=STAFF, now=now)
    request.refresh_from_db()
    assert (request.state, request.reason) == (RefundRequest.State.REJECTED, "Платёж зачислен верно")
    assert _moves() == 0
    [sms] = SmsMessage.objects.filter(msisdn=WRONG, kind="refund")
    assert "Платёж зачислен верно" in sms.body


def test_fin_6_privet_spent_before_processing_is_rejected_at_approval(right, now):
    privet = TariffPlanFactory(code="privet2", name="ПРИВЕТ", brand="ПРИВЕТ")
    wrong = subscriber_with_balance(0, msisdn=WRONG, plan=privet)
    request = _request(wrong, pay(wrong, 1000, now))
    from issa.billing.services import ledger_post

    ledger_post(
        account=wrong.account, amount=-500, kind="usage", reason="calls", idempotency_key="test:usage:2", now=now
    )
    refund_approve(request_id=request.pk, actor=STAFF, now=now)
    request.refresh_from_db()
    assert request.state == RefundRequest.State.REJECTED
    assert _moves() == 0
    assert SmsMessage.objects.filter(msisdn=WRONG, kind="refund").count() == 1


# --- channels ------------------------------------------------------------------------------------


def test_fin_6_portal_form_files_a_request_and_shows_its_state(client, wrong, wrong_user, right, now):
    payment = pay(wrong, 700, now - timedelta(days=1))
    client.force_login(wrong_user)
    page = client.get(reverse("portal:finance_refunds")).content.decode()
    assert f'value="{payment.pk}"' in page
    response = client.post(reverse("portal:finance_refunds"), {"payment": payment.pk, "right_number": "+375291200012"})
    assert response.status_code == 302
    request = RefundRequest.objects.get()
    page = client.get(reverse("portal:finance_refunds")).content.decode()
    assert 'data-state="submitted"' in page
    assert request.due_on.strftime("%d.%m.%Y") in page
    refund_approve(request_id=request.pk, actor=STAFF, now=now)
    assert 'data-state="approved"' in client.get(reverse("portal:finance_refunds")).content.decode()


def test_fin_6_portal_refusal_shows_the_sales_centre_message_and_writes_nothing(client, wrong, wrong_user, right, now):
    payment = pay(wrong, 3100, now)
    client.force_login(wrong_user)
    response = client.post(reverse("portal:finance_refunds"), {"payment": payment.pk, "right_number": RIGHT})
    assert response.status_code == 409
    assert "центры продаж" in response.content.decode()
    assert RefundRequest.objects.count() == 0
    assert _moves() == 0


def test_fin_6_api_request_and_list(client, wrong, wrong_user, right, now):
    payment = pay(wrong, 700, now)
    auth = bearer(wrong_user, now)
    offered = client.get("/api/finance/refunds/payments", headers=auth).json()
    assert [p["id"] for p in offered] == [payment.pk]
    body = json.dumps({"payment_id": payment.pk, "right_number": RIGHT})
    created = client.post("/api/finance/refunds", body, content_type="application/json", headers=auth)
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "submitted"
    listing = client.get("/api/finance/refunds", headers=auth).json()
    assert [r["state"] for r in listing] == ["submitted"]


def test_fin_6_api_refusal_writes_nothing(client, wrong, wrong_user, right, now):
    payment = pay(wrong, 3001, now)
    body = json.dumps({"payment_id": payment.pk, "right_number": RIGHT})
    response = client.post(
        "/api/finance/refunds", body, content_type="application/json", headers=bearer(wrong_user, now)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "refund_not_allowed"
    assert RefundRequest.objects.count() == 0


def test_fin_6_back_office_overdue_filter_and_decision(client, wrong, right, now):
    from issa.identity.models import User

    late = _request(wrong, pay(wrong, 500, now - timedelta(days=10)), now=now - timedelta(days=10))
    fresh = _request(wrong, pay(wrong, 600, now))
    staff = User.objects.create_superuser(login="finance-admin", password="Kx7mQ2vz!long")
    staff_login(client, staff)
    listing = client.get(reverse("admin:finance_refundrequest_changelist") + "?deadline=overdue")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert [r.pk for r in listing.context["cl"].result_list] == [late.pk]
    url = reverse("admin:finance_refundrequest_decide", args=[fresh.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"approve": "1"}).status_code == 302
    fresh.refresh_from_db()
    assert fresh.state == RefundRequest.State.APPROVED
    assert _moves() == 2
    assert AuditEvent.objects.filter(action="finance.refund_approved").count() == 1
