"""The demo's fee history (BSS-3): the past months carry the plans' and services' subscription fees,
charged by the fee engine, paid by monthly auto top-ups, billed, and never booked twice."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from issa.billing import fees, tasks
from issa.billing.models import Bill, LedgerEntry
from issa.billing.selectors import account_balance
from issa.catalog.models import PlanTerms
from issa.core.clock import OPERATOR_TZ, start_of_local_day
from issa.core.money import to_kopecks
from issa.demo.loaders import fee_history
from issa.demo.loaders.subscribers import DEMO_NUMBERS
from issa.subscribers.models import Subscriber

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OPERATOR_TZ)
LOADERS = ["catalogue", "subscribers", "fee_history", "bills"]


def load() -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("demo_load", *[arg for name in LOADERS for arg in ("--only", name)], stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def plan_day_fee(msisdn: str) -> tuple[Subscriber, int]:
    sub = Subscriber.objects.select_related("plan").get(msisdn=msisdn)
    terms = PlanTerms.objects.get(plan=sub.plan)
    return sub, to_kopecks(terms.fee - terms.fee_discount)


def bill_fees(sub: Subscriber, period: str) -> int:
    bill = Bill.objects.get(account=sub.account, period=period)
    return sum(line["amount"] for line in bill.lines if line["code"] == "subscription_fee")


def test_bss_3_demo_history_covers_every_day_from_the_first_billed_month(loaded: str) -> None:
    days = fee_history.fee_days(NOW)
    assert (days[0], days[-1], len(days)) == (date(2026, 9, 1), date(2026, 11, 25), 86)
    assert "fee history: 01.09.2026–25.11.2026 (86 days)" in loaded
    first = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SUBSCRIPTION_FEE).order_by("effective_at").first()
    assert first is not None
    assert first.effective_at == start_of_local_day(date(2026, 9, 1))


def test_bss_3_demo_monthly_plan_number_past_bill_shows_its_plan_fee(loaded: str) -> None:
    sub, fee = plan_day_fee("375291000006")  # «Интернет для планшета», monthly, no services
    assert sub.plan.fee_period == "monthly"
    for period in ("2026-09", "2026-10"):
        entry = LedgerEntry.objects.get(idempotency_key=f"fee:{sub.pk}:plan:{sub.plan_id}:{period}")
        assert entry.amount == -fee
        assert bill_fees(sub, period) == fee
    everyday, smart_fee = plan_day_fee("375291000001")  # «Смарт» with three services
    assert smart_fee == 1990
    oct_plan = LedgerEntry.objects.get(idempotency_key=f"fee:{everyday.pk}:plan:{everyday.plan_id}:2026-10")
    assert oct_plan.amount == -1990
    oct_all = LedgerEntry.objects.filter(
        account=everyday.account,
        kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
        effective_at__gte=start_of_local_day(date(2026, 10, 1)),
        effective_at__lt=start_of_local_day(date(2026, 11, 1)),
    ).aggregate(total=Sum("amount"))["total"]
    assert bill_fees(everyday, "2026-10") == -oct_all > 1990  # the plan and its services


def test_bss_3_demo_daily_plan_number_past_month_is_days_times_daily_fee(loaded: str) -> None:
    sub, fee = plan_day_fee("375291000007")  # «ПРИВЕТ», daily plan, no services
    assert sub.plan.fee_period == "daily"
    assert fee > 0
    assert bill_fees(sub, "2026-09") == 30 * fee
    assert bill_fees(sub, "2026-10") == 31 * fee
    november = LedgerEntry.objects.filter(
        subscriber=sub, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, effective_at__gte=start_of_local_day(date(2026, 11, 1))
    )
    assert november.count() == 25  # 1–25 November, today included
    assert november.aggregate(total=Sum("amount"))["total"] == -25 * fee


def test_bss_3_demo_top_ups_keep_the_well_known_balances_and_states(loaded: str) -> None:
    for demo in DEMO_NUMBERS:
        sub = Subscriber.objects.get(msisdn=demo.msisdn)
        assert sub.status == demo.status, demo.msisdn  # nobody blocked (or unblocked) by the history
        balance = account_balance(account_id=sub.account_id)
        if demo.company is None and demo.status != Subscriber.Status.PAUSED:
            assert balance == demo.balance, demo.msisdn  # the top-ups pay exactly the fees
    paused = Subscriber.objects.get(msisdn="375291000002")
    credits = LedgerEntry.objects.filter(account=paused.account, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, amount__gt=0)
    assert credits.exists()  # Pause credits (SVC-9) come on top of the paid fees
    assert account_balance(account_id=paused.account_id) == 815 + credits.aggregate(total=Sum("amount"))["total"]
    everyday = Subscriber.objects.get(msisdn="375291000001")
    topup = LedgerEntry.objects.get(idempotency_key=f"demo:topup:{everyday.account.number}:2026-10:1")
    assert (topup.kind, topup.effective_at) == (LedgerEntry.Kind.PAYMENT, start_of_local_day(date(2026, 10, 1)))
    assert topup.amount == bill_fees(everyday, "2026-10")
    assert Bill.objects.get(account=everyday.account, period="2026-10").payments == topup.amount


def test_bss_3_demo_second_load_posts_nothing(loaded: str) -> None:
    before = (LedgerEntry.objects.count(), LedgerEntry.objects.aggregate(total=Sum("amount"))["total"])
    bills = Bill.objects.count()
    output = load()
    assert (LedgerEntry.objects.count(), LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]) == before
    assert Bill.objects.count() == bills
    assert "0 fees and Pause credits booked (0.00 BYN net), 0 auto top-ups" in output


def test_bss_3_demo_fee_job_afterwards_books_nothing_for_past_days(loaded: str) -> None:
    count = LedgerEntry.objects.count()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        result = tasks.fees_run()  # the running demo's hourly job: yesterday and today
    assert result.startswith("2026-11-24: 0 booked, ")
    assert "2026-11-25: 0 booked, " in result
    assert LedgerEntry.objects.count() == count
    replay = fees.fees_charge_days(days=fee_history.fee_days(NOW), now=NOW)
    assert sum(run.booked for run in replay) == 0
    assert sum(run.skipped for run in replay) > 30 * 1000 // 2
    for day in (date(2026, 9, 1), date(2026, 10, 15), date(2026, 11, 24)):  # the one-day run: same keys
        run = fees.fees_charge_day(day=day, now=NOW)
        fees_of_day = LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, effective_at=start_of_local_day(day)
        ).count()
        assert (run.booked, run.skipped) == (0, fees_of_day)
    assert LedgerEntry.objects.count() == count
    # The next day the job books that day only (rolled back: the other tests share the load).
    last = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
    with transaction.atomic():
        with time_machine.travel(datetime(2026, 11, 26, 0, 5, tzinfo=OPERATOR_TZ), tick=False):
            tasks.fees_run()
        fresh = LedgerEntry.objects.filter(pk__gt=last)
        assert fresh.exists()
        assert set(fresh.values_list("effective_at", flat=True)) == {start_of_local_day(date(2026, 11, 26))}
        transaction.set_rollback(True)


def test_bss_3_demo_load_next_day_pays_the_new_day_with_the_next_top_up(loaded: str) -> None:
    daily, fee = plan_day_fee("375291000007")
    key = f"demo:topup:{daily.account.number}:2026-11:"
    with transaction.atomic():
        with time_machine.travel(NOW + timedelta(days=1), tick=False):
            call_command("demo_load", "--only", "fee_history", stdout=io.StringIO())
        second = LedgerEntry.objects.get(idempotency_key=key + "2")
        assert second.amount == fee  # the 26th's daily fee, nothing of the days already paid
        assert second.effective_at == start_of_local_day(date(2026, 11, 26))
        assert account_balance(account_id=daily.account_id) == 300  # still its opening balance
        transaction.set_rollback(True)
