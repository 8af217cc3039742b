"""FIN-3 on PostgreSQL: parallel confirmations of promised payments cannot exceed the limits.

Ten sessions of one subscriber each start a registration; all ten confirm at the same moment in
ten threads. The account row lock serialises the checks: exactly one is credited (none while one
is active), the nine others are refused, cancelled, and book nothing. Run with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/issa_finance``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.finance.models import PromisedPayment
from issa.finance.services import promised as promised_module
from issa.finance.services import promised_confirm, promised_settle_on_payment, promised_start

from .conftest import live_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 10


@pytest.fixture(autouse=True)
def _widen_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each confirmation a moment between its checks and its writes, so that without the
    account lock the threads would all pass the checks before any of them books (verified: the
    tests fail when ``lock_account`` does not lock)."""
    original = promised_module._check

    def slow_check(**kwargs: Any) -> None:
        original(**kwargs)
        time.sleep(0.05)

    monkeypatch.setattr(promised_module, "_check", slow_check)


def _race(subscriber: Any, user: Any, web: Any, now: Any, amount: int) -> tuple[list[int], list[str]]:
    started = []
    for _ in range(THREADS):
        key = live_session(user)
        row = promised_start(subscriber=subscriber, user=user, session_key=key, amount=amount, actor=web, now=now)
        started.append((row.pending_request_id, key))
    barrier = threading.Barrier(THREADS)
    done: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def confirm(request_id: int, key: str) -> None:
        try:
            barrier.wait()
            row = promised_confirm(
                subscriber=subscriber, user=user, request_id=request_id, session_key=key, actor=web, now=now
            )
            with lock:
                done.append(row.pk)
        except DomainError as error:
            with lock:
                refused.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=pair) for pair in started]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, refused


def test_fin_3_parallel_confirmations_credit_one_promised_payment(subscriber, user, web, now):
    done, refused = _race(subscriber, user, web, now, amount=300)
    assert len(done) == 1
    assert refused == ["promised_active"] * (THREADS - 1)
    credits = LedgerEntry.objects.filter(account=subscriber.account, kind=LedgerEntry.Kind.PROMISED)
    assert [e.amount for e in credits] == [300]
    assert account_balance(account_id=subscriber.account_id) == 800
    assert PromisedPayment.objects.filter(state="active").count() == 1
    assert PromisedPayment.objects.filter(state="cancelled").count() == THREADS - 1


def test_fin_3_parallel_confirmations_respect_the_monthly_count(subscriber, user, web, now, settings):
    """With "one at a time" switched off, the monthly count (3) is the limit the race must keep."""
    settings.ISSA_RULES = {"PROMISED_PAYMENT_ONE_ACTIVE": False, "PROMISED_PAYMENT_PER_MONTH": 3}
    done, refused = _race(subscriber, user, web, now, amount=100)
    assert len(done) == 3
    assert refused == ["promised_month_limit"] * (THREADS - 3)
    assert LedgerEntry.objects.filter(account=subscriber.account, kind=LedgerEntry.Kind.PROMISED).count() == 3
    promised_settle_on_payment(account=subscriber.account, amount=1000, now=now)
    assert LedgerEntry.objects.filter(account=subscriber.account, kind=LedgerEntry.Kind.PROMISED_REVERSAL).count() == 3
