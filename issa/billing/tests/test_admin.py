"""The ledger in the back office (BSS-4): listed and searched, amounts in BYN, never changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core import clock
from issa.identity.models import User
from issa.testing.factories import AccountFactory
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: HttpClient) -> HttpClient:
    staff_login(client, User.objects.create_superuser("staffer", None))
    return client


def book(account: Any, amount: int, key: str) -> LedgerEntry:
    entry, _ = ledger_post(account=account, amount=amount, kind=LedgerEntry.Kind.PAYMENT, reason="Оплата картой",
                           idempotency_key=key, now=clock.now())  # fmt: skip
    return entry


def test_ledger_lists_amounts_in_byn_with_bounded_queries(
    staff: HttpClient, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        book(AccountFactory.create(), 1000 * (i + 1) + 5, f"card:{i}")
    with django_assert_max_num_queries(10):
        response = staff.get("/staff/billing/ledgerentry/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "10,05\u00a0руб." in page
    assert "250,05\u00a0руб." in page


def test_ledger_search_by_account_number_or_idempotency_key(staff: HttpClient) -> None:
    mine, other = AccountFactory.create(number="310000123"), AccountFactory.create(number="310000124")
    book(mine, 111, "card:tx-abc")
    book(other, 222, "express:98765")
    page = staff.get("/staff/billing/ledgerentry/", {"q": "310000123"}).content.decode()
    assert "card:tx-abc" in page
    assert "express:98765" not in page
    page = staff.get("/staff/billing/ledgerentry/", {"q": "express"}).content.decode()
    assert "express:98765" in page
    assert "card:tx-abc" not in page


def test_bss_4_back_office_cannot_add_change_or_delete_an_entry(staff: HttpClient) -> None:
    entry = book(AccountFactory.create(), 500, "k:1")
    assert staff.get("/staff/billing/ledgerentry/add/").status_code == 403
    page = staff.get(f"/staff/billing/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200  # view-only page
    assert 'name="amount"' not in page.content.decode()
    assert staff.post(f"/staff/billing/ledgerentry/{entry.pk}/change/", {"amount": "1"}).status_code == 403
    assert staff.post(f"/staff/billing/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = staff.post("/staff/billing/ledgerentry/", {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert bulk.status_code in (200, 302)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    assert (entry.amount, LedgerEntry.objects.count()) == (500, 1)
