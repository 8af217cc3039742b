"""BSS-5: the monthly bill run, end to end — usage files + fees + payments → bills with exact
kopecks; late records and late entries on the next bill; a killed run resumes; failures listed."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from issa.billing import billrun
from issa.billing.billrun import Interrupted, billrun_run
from issa.billing.models import Bill, BillRun, BillRunFailure, LedgerEntry
from issa.billing.services import ledger_post
from issa.core.clock import OPERATOR_TZ
from issa.core.models import AppendOnlyError
from issa.rating.models import ClosedPeriod
from issa.testing.factories import subscriber_with_balance
from issa.usage.tests.helpers import import_lines, line, priced_plan

K = LedgerEntry.Kind


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


def post(
    sub: Any, amount: int, kind: str, when: datetime, key: str, booked: datetime | None = None, **details: Any
) -> None:
    ledger_post(
        account=sub.account, subscriber=sub, amount=amount, kind=kind, reason=key, idempotency_key=key,
        now=booked or when, effective_at=when, details=details or None,
    )  # fmt: skip


@pytest.fixture
def month(db: Any, tmp_path: Path) -> Any:
    """October 2026 of one subscriber: fee, Pause credit, one-time fee, payment and rated usage."""
    terms = priced_plan(valid_from=minsk(2026, 1, 1), voice_seconds=0, sms=0, data_bytes=0)
    sub = subscriber_with_balance(1000, now=minsk(2026, 9, 15), plan=terms.plan)
    post(sub, -1990, K.SUBSCRIPTION_FEE, minsk(2026, 10, 1), "fee:oct")
    post(sub, 500, K.SUBSCRIPTION_FEE, minsk(2026, 10, 20), "pausecredit:oct", pause_credit=True)
    post(sub, -250, K.ONE_TIME_FEE, minsk(2026, 10, 5), "once:oct")
    post(sub, 3000, K.PAYMENT, minsk(2026, 10, 10, 12), "pay:oct")
    m = sub.msisdn
    import_lines(
        tmp_path,
        [
            line("c1", m, "voice", minsk(2026, 10, 3, 10), 125, other_party="375447654321", destination="offnet"),
            line("c2", m, "voice", minsk(2026, 10, 3, 11), 300, outgoing=False, other_party="375297654321",
                 destination="onnet"),
            line("s1", m, "sms", minsk(2026, 10, 4, 10), 1, other_party="375447654321", destination="offnet"),
            line("s2", m, "sms", minsk(2026, 10, 4, 11), 1, other_party="375447654321", destination="offnet"),
            line("d1", m, "data", minsk(2026, 10, 6, 10), 600, destination="home", service="internet",
                 domain="news.example.by", up_bytes=48576, down_bytes=1000000),
        ],
        now=minsk(2026, 10, 25),
    )  # fmt: skip
    return sub


def _line(bill: Bill, code: str) -> dict[str, Any]:
    found = [row for row in bill.lines if row["code"] == code]
    assert len(found) == 1, (code, bill.lines)
    return found[0]


def test_bss_5_month_scenario_exact_bill(month: Any) -> None:
    result = billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    assert (result.billed, result.failed) == (1, 0)
    bill = Bill.objects.get(account=month.account, period="2026-10")
    # usage: 125 s offnet at 0,20/min per second = 0,41667 → 42; 2 SMS × 0,08 = 16;
    # 1 048 576 bytes in 100 KB units = 1100 KB at 0,50/MB = 0,5371 → 54; incoming call free.
    assert _line(bill, "usage:voice:offnet:out")["amount"] == 42
    assert _line(bill, "usage:voice:offnet:out")["quantity"] == 125
    assert _line(bill, "usage:sms:offnet:out")["amount"] == 16
    assert _line(bill, "usage:data:home:out")["amount"] == 54
    assert not [row for row in bill.lines if row["code"] == "usage:voice:onnet:in"]
    assert _line(bill, "subscription_fee")["amount"] == 1990
    assert _line(bill, "pause_credit") == {**_line(bill, "pause_credit"), "section": "discounts", "amount": -500}
    assert _line(bill, "one_time_fee")["amount"] == 250
    assert _line(bill, "payment:payment")["amount"] == -3000
    assert bill.opening_balance == 1000
    assert bill.charges == 1990 - 500 + 250 + 42 + 16 + 54 == 1852
    assert bill.vat == 309  # 1852 × 20/120 = 308,67
    assert bill.payments == 3000
    assert bill.closing_balance == 1000 - 1852 + 3000 == 2148
    assert bill.amount_due == 0
    assert sum(row["amount"] for row in bill.lines) == bill.opening_balance - bill.closing_balance
    assert ClosedPeriod.objects.filter(key="2026-10").exists()
    run = BillRun.objects.get(period="2026-10")
    assert (run.status, run.done, run.failed, run.remaining) == (BillRun.Status.DONE, 1, 0, 0)


def test_bss_5_bill_is_immutable(month: Any) -> None:
    billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    bill = Bill.objects.get(account=month.account)
    bill.amount_due = 1
    with pytest.raises(AppendOnlyError):
        bill.save()
    with pytest.raises(AppendOnlyError):
        Bill.objects.filter(pk=bill.pk).update(amount_due=1)
    from django.db import IntegrityError, connection, transaction

    with pytest.raises((IntegrityError, Exception)), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE billing_bill SET amount_due = 1 WHERE id = %s", [bill.pk])
    bill.refresh_from_db()
    assert bill.amount_due == 0


def test_bss_5_late_record_and_late_entry_land_on_next_bill(month: Any, tmp_path: Path) -> None:
    billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    october = Bill.objects.get(account=month.account, period="2026-10")
    m = month.msisdn
    # A roaming partner's October call arrives on 5 November: rated at October's prices, billed in November.
    import_lines(
        tmp_path,
        [line("r1", m, "voice", minsk(2026, 10, 30, 9), 120, other_party="4930123456", destination="roaming_1")],
        now=minsk(2026, 11, 5), name="late.cdr", source="ROAM",
    )  # fmt: skip
    # A fee of 31 October booked late (after the run's cut-off), and November's own fee and payment.
    post(month, -77, K.SUBSCRIPTION_FEE, minsk(2026, 10, 31), "fee:late", booked=minsk(2026, 11, 2))
    post(month, -1990, K.SUBSCRIPTION_FEE, minsk(2026, 11, 1), "fee:nov")
    post(month, 1000, K.PAYMENT, minsk(2026, 11, 15), "pay:nov")
    billrun_run(period_key="2026-11", now=minsk(2026, 12, 1, 3))
    november = Bill.objects.get(account=month.account, period="2026-11")
    late = _line(november, "usage:voice:roaming_1:out")
    assert (late["section"], late["amount"], late["quantity"]) == ("corrections", 300, 120)  # 2 min × 1,50
    assert _line(november, "late:subscription_fee")["amount"] == 77
    assert _line(november, "subscription_fee")["amount"] == 1990
    assert november.opening_balance == october.closing_balance == 2148
    assert november.charges == 300 + 77 + 1990
    assert november.closing_balance == 2148 - 2367 + 1000 == 781
    # The bills chain: the November closing balance is the ledger's balance at its cut-off.
    total = sum(LedgerEntry.objects.filter(account=month.account).values_list("amount", flat=True))
    assert november.closing_balance == total
    october.refresh_from_db()
    assert october.charges == 1852  # the October bill did not change


def _accounts(n: int) -> list[Any]:
    terms = priced_plan(valid_from=minsk(2026, 1, 1), code="k")
    subs = [subscriber_with_balance(100 * (i + 1), now=minsk(2026, 9, 1), plan=terms.plan) for i in range(n)]
    for i, sub in enumerate(subs):
        post(sub, -(10 + i), K.SUBSCRIPTION_FEE, minsk(2026, 10, 2), f"fee:{i}")
    return subs


def test_bss_5_killed_run_resumes_and_bills_each_account_once(db: Any) -> None:
    subs = _accounts(5)

    def kill(batch: int, bills: list[dict[str, Any]]) -> None:
        if batch == 2:
            raise Interrupted("killed inside the second batch, before its commit")

    with pytest.raises(Interrupted):
        billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3), batch_size=2, on_batch=kill)
    run = BillRun.objects.get(period="2026-10")
    assert (run.done, run.batches, run.status) == (2, 1, BillRun.Status.RUNNING)
    assert Bill.objects.count() == 2
    # Stopped between batches too, then started again to the end.
    billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 4), batch_size=2, max_batches=1)
    assert Bill.objects.count() == 4
    result = billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 5), batch_size=2)
    assert result.billed == 1
    run.refresh_from_db()
    assert (run.done, run.failed, run.remaining, run.status) == (5, 0, 0, BillRun.Status.DONE)
    assert sorted(Bill.objects.values_list("account_id", flat=True)) == sorted(s.account_id for s in subs)
    for i, sub in enumerate(subs):
        bill = Bill.objects.get(account=sub.account)
        assert (bill.opening_balance, bill.charges) == (100 * (i + 1), 10 + i)
    # A finished run started again does nothing.
    assert billrun_run(period_key="2026-10", now=minsk(2026, 11, 2), batch_size=2).billed == 0
    assert Bill.objects.count() == 5


def test_bss_5_failed_account_is_listed_and_the_run_goes_on(db: Any, monkeypatch: Any) -> None:
    subs = _accounts(3)
    real = billrun.build_bill
    bad = subs[1].account_id

    def build(data: Any, window: Any) -> Any:
        if data.account_id == bad:
            raise ValueError("broken account data")
        return real(data, window)

    monkeypatch.setattr(billrun, "build_bill", build)
    result = billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    assert (result.billed, result.failed) == (2, 1)
    failure = BillRunFailure.objects.get()
    assert failure.account_id == bad
    assert "broken account data" in failure.reason
    assert not Bill.objects.filter(account_id=bad).exists()
    run = BillRun.objects.get()
    assert (run.done, run.failed, run.status) == (2, 1, BillRun.Status.DONE)


def test_bss_5_batch_costs_a_fixed_number_of_queries(db: Any, django_assert_max_num_queries: Any) -> None:
    _accounts(12)
    billrun.billrun_start(period_key="2026-10", now=minsk(2026, 11, 1, 3))
    with django_assert_max_num_queries(16):
        billrun_run(period_key="2026-10", now=minsk(2026, 11, 1, 3), batch_size=100, max_batches=1)
    assert Bill.objects.count() == 12


def test_bss_5_open_period_is_refused(db: Any) -> None:
    from issa.core.errors import DomainError

    with pytest.raises(DomainError):
        billrun_run(period_key="2026-11", now=minsk(2026, 11, 20))
    assert not BillRun.objects.exists()
    assert not ClosedPeriod.objects.exists()


def test_bss_5_current_period_preview_is_as_of_yesterday(month: Any) -> None:
    from issa.billing.billrun import bill_preview

    post(month, -33, K.ONE_TIME_FEE, minsk(2026, 10, 25, 9), "once:today")
    data = bill_preview(account=month.account, now=minsk(2026, 10, 25, 12))
    assert data["period"] == "2026-10"
    assert data["charges"] == 1852  # today's 33 not yet shown
    assert data["period_end"] == minsk(2026, 10, 25) - timedelta(0)
