"""The ledger (BSS-4): append-only in the ORM and in the database, balance = sum of entries,
one entry per idempotency key, also under concurrent posting on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.billing.services import ledger_post
from issa.core.errors import DomainError
from issa.core.models import AppendOnlyError
from issa.testing.factories import AccountFactory

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency and DELETE triggers are proved on PostgreSQL"
)


def post(account, amount: int, key: str, **kwargs):
    return ledger_post(
        account=account, amount=amount, kind=LedgerEntry.Kind.PAYMENT, reason="test", idempotency_key=key, now=NOW,
        **kwargs,
    )  # fmt: skip


@pytest.fixture
def entry(db):
    account = AccountFactory.create()
    created, _ = post(account, 500, "t:1")
    return created


def _unchanged(entry: LedgerEntry) -> None:
    fresh = LedgerEntry.objects.get(pk=entry.pk)
    assert (fresh.amount, fresh.reason, fresh.kind) == (500, "test", LedgerEntry.Kind.PAYMENT)


def test_bss_4_orm_refuses_update_and_delete(entry: LedgerEntry) -> None:
    entry.amount = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    _unchanged(entry)
    assert LedgerEntry.objects.count() == 1


def test_bss_4_database_refuses_raw_update(entry: LedgerEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    _unchanged(entry)


@postgres_only
def test_bss_4_database_refuses_raw_delete_on_postgresql(entry: LedgerEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_ledgerentry WHERE id = %s", [entry.pk])
    _unchanged(entry)


@pytest.mark.django_db
def test_bss_4_balance_is_the_sum_of_entries() -> None:
    account, other = AccountFactory.create(), AccountFactory.create()
    post(account, 1000, "a:1", effective_at=NOW - timedelta(days=40))
    post(account, -337, "a:2", effective_at=NOW - timedelta(days=10))
    post(account, 2500, "a:3")
    post(other, 999, "b:1")
    assert account_balance(account_id=account.pk) == 1000 - 337 + 2500
    assert account_balance(account_id=account.pk, at=NOW - timedelta(days=5)) == 1000 - 337
    assert account_balance(account_id=account.pk, at=NOW - timedelta(days=50)) == 0
    assert account_balance(account_id=other.pk) == 999


@pytest.mark.django_db
def test_bss_4_idempotency_key_refuses_a_second_entry_and_returns_the_first() -> None:
    account = AccountFactory.create()
    first, created = post(account, 700, "pay:42")
    again, created_again = post(account, 700, "pay:42")
    assert created is True
    assert created_again is False
    assert again.pk == first.pk
    assert LedgerEntry.objects.count() == 1
    assert account_balance(account_id=account.pk) == 700


@pytest.mark.django_db
def test_bss_4_key_reused_with_other_terms_is_refused_and_nothing_changes() -> None:
    account = AccountFactory.create()
    post(account, 700, "pay:42")
    with pytest.raises(DomainError) as error:
        post(account, 701, "pay:42")
    assert error.value.code == "ledger_key_reused"
    with pytest.raises(DomainError):
        post(AccountFactory.create(), 700, "pay:42")
    assert LedgerEntry.objects.count() == 1
    assert account_balance(account_id=account.pk) == 700


@pytest.mark.django_db
def test_bss_4_zero_and_inexact_amounts_are_refused() -> None:
    account = AccountFactory.create()
    with pytest.raises(DomainError):
        post(account, 0, "z:1")
    with pytest.raises(TypeError):
        post(account, 1.5, "z:2")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        post(account, True, "z:3")
    assert LedgerEntry.objects.count() == 0


def _in_threads(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released together; each closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_bss_4_twenty_concurrent_posts_with_one_key_book_one_entry() -> None:
    account = AccountFactory.create()
    results = _in_threads(20, lambda i: post(account, 300, "topup:same"))
    assert len({entry.pk for entry, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1
    assert LedgerEntry.objects.filter(account=account).count() == 1
    assert account_balance(account_id=account.pk) == 300


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_bss_4_twenty_concurrent_posts_with_different_keys_sum_exactly() -> None:
    account = AccountFactory.create()
    results = _in_threads(20, lambda i: post(account, 100 + i, f"topup:{i}"))
    assert all(created for _, created in results)
    assert LedgerEntry.objects.filter(account=account).count() == 20
    assert account_balance(account_id=account.pk) == sum(100 + i for i in range(20))
