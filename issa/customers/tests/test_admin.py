"""The back office for clients and accounts: staff login at /staff/, search, balance = sum of the
ledger on the account page, audited edits, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core import clock
from issa.customers.models import Client
from issa.identity.models import AuditEvent, User
from issa.testing.factories import AccountFactory, ClientFactory, SubscriberFactory, UserFactory
from issa.testing.staff import staff_device, staff_login, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: HttpClient) -> HttpClient:
    staff_login(client, User.objects.create_superuser("staffer", None))
    return client


def book(account: Any, amount: int, key: str) -> None:
    ledger_post(account=account, amount=amount, kind=LedgerEntry.Kind.PAYMENT, reason="test", idempotency_key=key,
                now=clock.now())  # fmt: skip


def test_staff_log_in_at_staff(client: HttpClient) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert client.get("/staff/login/").status_code == 200
    device = staff_device(User.objects.create_superuser("boss", "Staff-pass-2026"))
    response = client.post("/staff/login/?next=/staff/", {"username": "boss", "password": "Staff-pass-2026"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"otp_token": totp_code(device)})  # the second factor
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_subscriber_cannot_enter_the_back_office(client: HttpClient) -> None:
    user = UserFactory.create(subscriber=SubscriberFactory.create(), password="demo1234")
    response = client.post("/staff/login/?next=/staff/", {"username": user.login, "password": "demo1234"})
    assert response.status_code == 200  # the login form again, with its error
    client.force_login(user)
    assert client.get("/staff/customers/client/").status_code == 302


def test_client_pages_load_with_a_bounded_number_of_queries(
    staff: HttpClient, django_assert_max_num_queries: Any
) -> None:
    subscribers = [SubscriberFactory.create() for _ in range(25)]
    for i, subscriber in enumerate(subscribers):
        book(subscriber.account, 100 + i, f"k:{i}")
    with django_assert_max_num_queries(10):
        assert staff.get("/staff/customers/client/").status_code == 200
    with django_assert_max_num_queries(10):
        assert staff.get("/staff/customers/account/").status_code == 200
    client = subscribers[3].account.client
    with django_assert_max_num_queries(12):
        response = staff.get(f"/staff/customers/client/{client.pk}/change/")
    assert response.status_code == 200
    assert "1,03\u00a0руб." in response.content.decode()  # the account's balance in the inline


def test_account_page_shows_the_balance_as_the_sum_of_entries(
    staff: HttpClient, django_assert_max_num_queries: Any
) -> None:
    account = AccountFactory.create()
    book(account, 1000, "a:1")
    book(account, -250, "a:2")
    book(AccountFactory.create(), 99999, "other")
    with django_assert_max_num_queries(12):
        response = staff.get(f"/staff/customers/account/{account.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "7,50\u00a0руб." in page
    assert f"/staff/billing/ledgerentry/?account__id__exact={account.pk}" in page
    listing = staff.get(f"/staff/billing/ledgerentry/?account__id__exact={account.pk}").content.decode()
    assert "10,00\u00a0руб." in listing
    assert "-2,50\u00a0руб." in listing
    assert "999,99" not in listing


@pytest.mark.parametrize("term", ["ООО «Ромашка»", "Ромашка", "191234563", "555000111"])
def test_client_search_by_name_unp_or_account_number(staff: HttpClient, term: str) -> None:
    legal = ClientFactory.create(kind=Client.Kind.LEGAL, name="ООО «Ромашка»", unp="191234563")
    AccountFactory.create(client=legal, number="555000111")
    ClientFactory.create(name="Другой клиент")
    response = staff.get("/staff/customers/client/", {"q": term})
    page = response.content.decode()
    assert "ООО «Ромашка»" in page
    assert "Другой клиент" not in page


def test_staff_edit_of_contact_data_is_audited(staff: HttpClient) -> None:
    account = AccountFactory.create()
    client = account.client
    data = {
        "name": client.name, "unp": "", "email": "new@example.by", "address": "г. Минск, ул. Сурганова, д. 1",
        "accounts-TOTAL_FORMS": "1", "accounts-INITIAL_FORMS": "1", "accounts-MIN_NUM_FORMS": "0",
        "accounts-MAX_NUM_FORMS": "1000", "accounts-0-id": str(account.pk), "accounts-0-client": str(client.pk),
    }  # fmt: skip
    response = staff.post(f"/staff/customers/client/{client.pk}/change/", data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.email == "new@example.by"
    event = AuditEvent.objects.get(action="client.update")
    assert (event.channel, event.client_id) == ("admin", client.pk)
    assert event.actor_id == User.objects.get(login="staffer").pk
    assert event.details == {"fields": ["address", "email"]}


def test_accounts_cannot_be_added_changed_or_deleted_here(staff: HttpClient) -> None:
    account = AccountFactory.create(credit_limit=0)
    assert staff.get("/staff/customers/account/add/").status_code == 403
    assert staff.get("/staff/customers/client/add/").status_code == 403
    response = staff.post(f"/staff/customers/account/{account.pk}/change/", {"credit_limit": "999999"})
    assert response.status_code == 403
    assert staff.post(f"/staff/customers/account/{account.pk}/delete/", {"post": "yes"}).status_code == 403
    account.refresh_from_db()
    assert account.credit_limit == 0


@pytest.mark.parametrize(
    ("language", "label"), [("ru", "Все записи этого лицевого счёта"), ("be", "Усе запісы гэтага асабовага рахунку")]
)
def test_back_office_labels_are_translated(staff: HttpClient, language: str, label: str) -> None:
    account = AccountFactory.create()
    response = staff.get(f"/staff/customers/account/{account.pk}/change/", headers={"accept-language": language})
    assert label in response.content.decode()
