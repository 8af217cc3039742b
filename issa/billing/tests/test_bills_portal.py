"""BILL-1, BILL-2, BILL-4, BILL-5, BILL-6, BILL-7 in the portal and /api/bills: one's own account
only (another's → 404), the 1st–3rd closed, delivery changes with a confirmation step, re-send to
the contract e-mail over a real SMTP server, the delivery history, bounded query counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from issa.billing.billrun import billrun_run
from issa.billing.delivery import bill_delivery_send, deliveries_regular, delivery_current
from issa.billing.models import Bill, BillDelivery, DeliverySetting, LedgerEntry
from issa.billing.services import ledger_post
from issa.core.clock import OPERATOR_TZ
from issa.customers.models import Client
from issa.identity.models import AuditEvent, PendingRequest
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.testing.smtp import Inbox

K = LedgerEntry.Kind


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


NOW = minsk(2026, 11, 20, 12)


def _post(sub: Any, amount: int, kind: str, when: datetime, key: str) -> None:
    ledger_post(
        account=sub.account, subscriber=sub, amount=amount, kind=kind, reason=key, idempotency_key=key, now=when,
        effective_at=when,
    )  # fmt: skip


@pytest.fixture
def sub(db: Any) -> Any:
    sub = subscriber_with_balance(5000, now=minsk(2026, 8, 1))
    Client.objects.filter(pk=sub.account.client_id).update(email="contract@example.by", name="Иванов Иван")
    for month in (9, 10):
        _post(sub, -1990, K.SUBSCRIPTION_FEE, minsk(2026, month, 1), f"fee:{month}")
        billrun_run(period_key=f"2026-{month:02d}", now=minsk(2026, month + 1, 1, 3))
    _post(sub, -1990, K.SUBSCRIPTION_FEE, minsk(2026, 11, 1), "fee:11")
    _post(sub, -150, K.ONE_TIME_FEE, minsk(2026, 11, 20, 9), "once:today")  # today: not yet shown
    sub.account.refresh_from_db()
    return sub


@pytest.fixture
def web(client: Any, sub: Any) -> Any:
    client.force_login(UserFactory(subscriber=sub))
    return client


@pytest.fixture
def stranger(db: Any) -> Any:
    other = subscriber_with_balance(100, now=minsk(2026, 8, 1))
    _post(other, -500, K.SUBSCRIPTION_FEE, minsk(2026, 10, 1), "fee:other")
    billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    return other


@time_machine.travel(NOW, tick=False)
def test_bill_1_bills_of_six_months_and_current_period(web: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(20):
        response = web.get(reverse("portal:bills"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="bill-2026-10"' in page
    assert 'data-testid="bill-2026-09"' in page
    assert "<svg" in page
    assert "seg-fees" in page
    assert "19,90\u00a0руб." in page  # the current period's fee, as of yesterday (today's 1,50 not yet)
    detail = web.get(reverse("portal:bills_detail", args=["2026-10"]))
    assert detail.status_code == 200
    assert "202610-" in detail.content.decode()


@time_machine.travel(minsk(2027, 5, 20, 12), tick=False)
def test_bill_1_bills_older_than_six_months_are_not_shown(web: Any, sub: Any) -> None:
    web.force_login(sub.user)
    page = web.get(reverse("portal:bills")).content.decode()
    assert 'data-testid="bill-2026-10"' not in page  # 2026-10 is 7 months back
    assert 'data-testid="bill-2026-11"' not in page  # never billed
    assert web.get(reverse("portal:bills_detail", args=["2026-10"])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_bill_2_current_period_details_with_fee_and_vat(web: Any) -> None:
    response = web.get(reverse("portal:bills_detail", args=["current"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "19,90\u00a0руб." in page
    assert '"vat">3,32\u00a0руб.' in page  # 1990 × 20/120 = 331,67
    api = web.get("/api/bills/current").json()
    assert api["amounts_kopecks"]["charges"] == 1990
    assert api["taxItem"][0]["taxAmount"] == {"unit": "BYN", "value": "3.32"}
    assert api["state"] == "inProgress"


@time_machine.travel(NOW, tick=False)
def test_bill_1_downloads_pdf_and_excel(web: Any) -> None:
    pdf = web.get(reverse("portal:bills_download", args=["2026-10", "pdf"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = web.get(reverse("portal:bills_download", args=["2026-10", "xlsx"]))
    assert xlsx.content.startswith(b"PK")
    api_pdf = web.get("/api/bills/2026-10/pdf")
    assert api_pdf.status_code == 200
    assert api_pdf.content.startswith(b"%PDF")


@time_machine.travel(NOW, tick=False)
def test_bill_1_api_list_and_one_bill(web: Any, sub: Any) -> None:
    listing = web.get("/api/bills").json()
    assert [item["id"] for item in listing] == ["current", "2026-10", "2026-09"]
    one = web.get("/api/bills/2026-10").json()
    bill = Bill.objects.get(account=sub.account, period="2026-10")
    assert one["billNo"] == bill.number
    assert one["amounts_kopecks"]["closing_balance"] == bill.closing_balance == 5000 - 1990 * 2
    assert one["lines"][0]["code"] == "subscription_fee"


@time_machine.travel(NOW, tick=False)
def test_bill_1_anothers_account_is_not_found(web: Any, stranger: Any) -> None:
    number = stranger.account.number
    assert web.get(reverse("portal:bills") + f"?account={number}").status_code == 404
    assert web.get(reverse("portal:bills_detail", args=["2026-10"]) + f"?account={number}").status_code == 404
    assert web.get(f"/api/bills/2026-10?account={number}").status_code == 404
    assert web.get(f"/api/bills/2026-10/pdf?account={number}").status_code == 404
    assert web.get("/api/bills/2026-08").status_code == 404  # no such bill of mine


@time_machine.travel(minsk(2026, 12, 2, 12), tick=False)
def test_bill_4_closed_from_the_1st_to_the_3rd(web: Any, sub: Any) -> None:
    web.force_login(sub.user)
    for url in (
        reverse("portal:bills"),
        reverse("portal:bills_detail", args=["2026-10"]),
        reverse("portal:bills_history"),
        reverse("portal:bills_delivery"),
    ):
        response = web.get(url)
        assert response.status_code == 503, url
        assert "с 1 по 3" in response.content.decode()
    assert web.get("/api/bills").status_code == 503
    response = web.post(reverse("portal:bills_delivery"), {"method": "email", "email": "new@example.by"})
    assert response.status_code == 503
    response = web.post(reverse("portal:bills_resend"), {"period": "2026-10"})
    assert response.status_code == 503
    assert not PendingRequest.objects.exists()
    assert not DeliverySetting.objects.exists()
    assert not BillDelivery.objects.exists()


def test_bill_4_window_check_is_one_function() -> None:
    from issa.billing.bills import bills_window_check
    from issa.core.errors import DomainError, ErrorKind

    for day in (1, 2, 3):
        with pytest.raises(DomainError) as caught:
            bills_window_check(now=minsk(2026, 12, day, 0, 1))
        assert caught.value.kind == ErrorKind.UNAVAILABLE
    bills_window_check(now=minsk(2026, 12, 4, 0, 0))
    bills_window_check(now=minsk(2026, 11, 30, 23, 59))


@time_machine.travel(NOW, tick=False)
def test_bill_7_change_delivery_with_confirmation(web: Any, sub: Any) -> None:
    response = web.post(reverse("portal:bills_delivery"), {"method": "email", "email": "me@example.by", "excel": "1"})
    assert response.status_code == 302
    assert not DeliverySetting.objects.exists()  # nothing changes before the confirmation
    confirm = web.get(response["Location"])
    assert "me@example.by" in confirm.content.decode()
    done = web.post(response["Location"], {"action": "confirm"})
    assert done.status_code == 200
    setting = DeliverySetting.objects.get()
    assert (setting.method, setting.email, setting.excel) == ("email", "me@example.by", True)
    assert AuditEvent.objects.filter(action="billing.delivery_changed").count() == 1
    # Confirming again does nothing more.
    assert web.post(response["Location"], {"action": "confirm"}).status_code == 409
    assert DeliverySetting.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_bill_7_cancel_and_bad_address_change_nothing(web: Any) -> None:
    bad = web.post(reverse("portal:bills_delivery"), {"method": "email", "email": "not-an-address"})
    assert bad.status_code == 400
    assert not PendingRequest.objects.exists()
    response = web.post(reverse("portal:bills_delivery"), {"method": "paper"})
    cancel = web.post(response["Location"], {"action": "cancel"})
    assert cancel.status_code == 302
    assert not DeliverySetting.objects.exists()
    assert PendingRequest.objects.get().state == PendingRequest.State.CANCELLED


def test_bill_7_regular_bill_goes_to_the_last_address_set_within_the_period(
    sub: Any, smtp: Inbox, settings: Any
) -> None:
    account = sub.account
    for when, email in (
        (minsk(2026, 11, 3), "first@example.by"),
        (minsk(2026, 11, 17), "second@example.by"),
        (minsk(2026, 11, 30, 23, 59), "last@example.by"),
        (minsk(2026, 12, 1, 0, 30), "after@example.by"),  # set after the period: next month's bill
    ):
        DeliverySetting.objects.create(account=account, method="email", email=email, excel=True, set_at=when)
    billrun_run(period_key="2026-11", now=minsk(2026, 12, 1, 3))
    made = deliveries_regular(period_key="2026-11", now=minsk(2026, 12, 1, 4))
    assert made == 1
    delivery = BillDelivery.objects.get(bill__period="2026-11")
    assert (delivery.address, delivery.excel, delivery.status) == ("last@example.by", True, "queued")
    assert bill_delivery_send(delivery_id=delivery.pk, now=minsk(2026, 12, 1, 4)) == "sent"
    assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == ["last@example.by"]
    body = smtp.messages[0].content
    assert b"application/pdf" in body
    assert b"spreadsheetml" in body
    # Exactly once: a second pass makes nothing, a repeated task sends nothing.
    assert deliveries_regular(period_key="2026-11", now=minsk(2026, 12, 1, 5)) == 0
    assert bill_delivery_send(delivery_id=delivery.pk) == "nothing to send"
    assert len(smtp.messages) == 1
    assert delivery_current(account=account, at=minsk(2026, 12, 5)).email == "after@example.by"


@time_machine.travel(NOW, tick=False)
def test_bill_5_resend_to_contract_email(web: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("portal:bills_resend"), {"period": "2026-10"})
    assert response.status_code == 200
    delivery = BillDelivery.objects.get()
    assert (delivery.kind, delivery.address, delivery.status) == ("resend", "contract@example.by", "sent")
    assert [m.rcpt_tos for m in smtp.messages] == [["contract@example.by"]]
    assert AuditEvent.objects.filter(action="billing.bill_resent").count() == 1


@time_machine.travel(NOW, tick=False)
def test_bill_5_resend_refused_without_contract_email_or_for_unknown_period(web: Any, sub: Any) -> None:
    assert web.post(reverse("portal:bills_resend"), {"period": "2025-01"}).status_code == 404
    Client.objects.filter(pk=sub.account.client_id).update(email="")
    assert web.post(reverse("portal:bills_resend"), {"period": "2026-10"}).status_code == 409
    assert not BillDelivery.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_bill_6_history_shown_for_email_hidden_for_self_collect(web: Any, sub: Any) -> None:
    page = web.get(reverse("portal:bills_history")).content.decode()
    assert 'data-testid="self-collect"' in page  # the default group: collects it in person
    DeliverySetting.objects.create(account=sub.account, method="email", email="me@example.by", set_at=minsk(2026, 9, 5))
    deliveries_regular(period_key="2026-10", now=minsk(2026, 11, 1, 4))
    page = web.get(reverse("portal:bills_history")).content.decode()
    assert 'data-testid="self-collect"' not in page
    assert page.count('data-testid="delivery-row"') == 1
    assert "me@example.by" in page


@time_machine.travel(NOW, tick=False)
def test_bill_1_corporate_administrator_sees_the_clients_other_account(client: Any, db: Any) -> None:
    from issa.access.models import CorporateRole
    from issa.customers.models import Account
    from issa.testing.factories import ClientFactory

    company = ClientFactory(kind="legal", name="ООО Ромашка")
    admin = subscriber_with_balance(100, now=minsk(2026, 8, 1), account__client=company)
    other_account = Account.objects.create(
        number="777000111", client=company, payment_method="postpaid", opened_on=minsk(2025, 1, 1).date()
    )
    worker = subscriber_with_balance(0, now=minsk(2026, 8, 1), account=other_account)
    _post(worker, -700, K.SUBSCRIPTION_FEE, minsk(2026, 10, 1), "fee:worker")
    billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    role = CorporateRole.objects.create(
        subscriber=admin, client=company, role=CorporateRole.Role.SUPERVISOR, rights=[], granted_at=minsk(2026, 1, 1)
    )
    client.force_login(UserFactory(subscriber=admin))
    url = f"/api/bills/2026-10?account={other_account.number}"
    assert client.get(url).status_code == 404  # a supervisor without the finance right
    CorporateRole.objects.filter(pk=role.pk).update(role=CorporateRole.Role.ADMINISTRATOR)
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["amounts_kopecks"]["charges"] == 700
    page = client.get(reverse("portal:bills") + f"?account={other_account.number}")
    assert page.status_code == 200
    assert 'data-testid="bill-2026-10"' in page.content.decode()


@time_machine.travel(NOW, tick=False)
def test_bill_1_api_list_query_count_is_bounded(web: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(16):
        assert web.get("/api/bills").status_code == 200
