"""BSS-5: a bill run killed for real (SIGKILL of ``manage.py billrun`` mid-run) is finished by the
next start, with every account billed exactly once (PostgreSQL: the killed process and the test
share the database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from django.db import connection

from issa.billing.billrun import billrun_run
from issa.billing.models import Bill, BillRun, LedgerEntry
from issa.core.clock import OPERATOR_TZ
from issa.customers.models import Account, Client

ROOT = Path(__file__).resolve().parents[3]
ACCOUNTS = 3000


@pytest.mark.django_db(transaction=True)
def test_bss_5_sigkilled_run_is_finished_by_the_next_start() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the killed process must share the test database: PostgreSQL only")
    clients = Client.objects.bulk_create(Client(kind="person", name=f"K{i}") for i in range(ACCOUNTS))
    accounts = Account.objects.bulk_create(
        Account(number=f"K{i:08d}", client=c, payment_method="postpaid", opened_on=date(2025, 1, 1))
        for i, c in enumerate(clients)
    )
    fee_day = datetime(2026, 10, 1, tzinfo=OPERATOR_TZ)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            account=a, amount=-(100 + i % 50), kind="subscription_fee", reason="fee", idempotency_key=f"k:{a.pk}",
            effective_at=fee_day, booked_at=fee_day,
        )
        for i, a in enumerate(accounts)
    )  # fmt: skip
    settings = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        DJANGO_SETTINGS_MODULE="issa.config.settings",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    now = "2026-11-01T03:00:00+03:00"
    child = subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "manage.py", "billrun", "2026-10", "--batch", "50", "--now", now],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            run = BillRun.objects.filter(period="2026-10").first()
            if run is not None and run.done >= 300:
                break
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
    killed = BillRun.objects.get(period="2026-10")
    assert killed.status == BillRun.Status.RUNNING
    assert 0 < killed.done < ACCOUNTS
    assert Bill.objects.count() == killed.done  # whole batches only

    result = billrun_run(period_key="2026-10", now=datetime(2026, 11, 1, 4, tzinfo=OPERATOR_TZ), batch_size=500)
    assert result.billed == ACCOUNTS - killed.done
    run = BillRun.objects.get(period="2026-10")
    assert (run.status, run.done, run.failed, run.remaining) == (BillRun.Status.DONE, ACCOUNTS, 0, 0)
    assert Bill.objects.count() == ACCOUNTS
    assert Bill.objects.values("account").distinct().count() == ACCOUNTS
    assert sum(Bill.objects.values_list("charges", flat=True)) == sum(100 + i % 50 for i in range(ACCOUNTS))
