"""The demo's bills loader: bills for the two previous months, e-mail delivery for the first
well-known number, idempotent on a second run; the multi-day fee run its fee history uses."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from issa.billing import fees
from issa.billing.models import Bill, BillDelivery, DeliverySetting, LedgerEntry
from issa.billing.services import ledger_post
from issa.catalog.models import Service, ServiceTerms
from issa.core import clock
from issa.core.clock import OPERATOR_TZ
from issa.demo.loaders import bills as loader
from issa.subscribers.models import PlanPeriod, Product
from issa.testing.factories import PlanTermsFactory, ServiceFactory, TariffPlanFactory, subscriber_with_balance


def test_bss_5_demo_loader_bills_previous_months_once(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    now = datetime(2026, 11, 25, 10, tzinfo=OPERATOR_TZ)
    sub = subscriber_with_balance(2000, now=datetime(2026, 8, 1, tzinfo=OPERATOR_TZ), msisdn=loader.WELL_KNOWN)
    ledger_post(
        account=sub.account, amount=-990, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, reason="fee", idempotency_key="f",
        now=datetime(2026, 10, 1, tzinfo=OPERATOR_TZ),
    )  # fmt: skip
    out = io.StringIO()
    loader.load(stdout=out, now=now)
    assert sorted(Bill.objects.values_list("period", flat=True)) == ["2026-09", "2026-10"]
    assert Bill.objects.get(period="2026-10").closing_balance == 1010
    assert DeliverySetting.objects.get().method == "email"
    assert BillDelivery.objects.count() == 2
    loader.load(stdout=io.StringIO(), now=now)
    assert Bill.objects.count() == 2
    assert BillDelivery.objects.count() == 2
    assert "2026-10: 1 bills" in out.getvalue()


def test_bss_3_fees_charge_days_books_what_one_day_runs_book(db: Any) -> None:
    """The demo's fee history books many days at once (``fees_charge_days``): the same entries, keys,
    amounts and dates as the job's one-day runs, plan changes in a day, Pause and services included."""

    def at(day: date, hour: int = 0) -> datetime:
        return clock.start_of_local_day(day) + timedelta(hours=hour)

    def service(code: str, period: str, fee: str, kind: str = Service.Kind.OPTION) -> Service:
        svc = ServiceFactory(code=code, kind=kind)
        ServiceTerms.objects.create(service=svc, valid_from=at(date(2020, 1, 1)), fee=Decimal(fee), fee_period=period)
        return svc

    daily, monthly = TariffPlanFactory(code="d", fee_period="daily"), TariffPlanFactory(code="m", fee_period="monthly")
    PlanTermsFactory(plan=daily, fee=Decimal("0.4833"))
    PlanTermsFactory(plan=monthly, fee=Decimal("30.00"), fee_discount=Decimal("6.00"))
    option, package = service("opt", "daily", "0.10"), service("pkg", "monthly", "3.00")
    pause = service("pause", "none", "0", kind=Service.Kind.PAUSE)
    changer = subscriber_with_balance(100_000, now=at(date(2026, 10, 1)), plan=daily)
    PlanPeriod.objects.filter(subscriber=changer).update(
        valid_from=at(date(2026, 10, 1)), valid_to=at(date(2026, 11, 11), 14)
    )
    PlanPeriod.objects.create(subscriber=changer, plan=monthly, valid_from=at(date(2026, 11, 11), 14))
    Product.objects.create(subscriber=changer, service=option, active_from=at(date(2026, 11, 10), 15))
    paused = subscriber_with_balance(100_000, now=at(date(2026, 10, 1)), plan=monthly)
    PlanPeriod.objects.filter(subscriber=paused).update(valid_from=at(date(2026, 10, 1)))
    Product.objects.create(subscriber=paused, service=package, active_from=at(date(2026, 10, 16)))
    Product.objects.create(
        subscriber=paused, service=pause, active_from=at(date(2026, 11, 11), 9), active_to=at(date(2026, 11, 25), 12)
    )
    days = [date(2026, 10, 28) + timedelta(days=n) for n in range(40)]
    now = at(date(2026, 12, 6), 10)

    def booked() -> set[tuple[str, int, datetime]]:
        return set(
            LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SUBSCRIPTION_FEE).values_list(
                "idempotency_key", "amount", "effective_at"
            )
        )

    with transaction.atomic():
        one_day_runs = [fees.fees_charge_day(day=day, now=now, batch_size=1) for day in days]
        by_day = booked()
        transaction.set_rollback(True)
    many = fees.fees_charge_days(days=days, now=now, batch_size=1)
    assert booked() == by_day
    assert len(by_day) > 60
    assert [(r.day, r.booked, r.amount) for r in many] == [(r.day, r.booked, r.amount) for r in one_day_runs]
    assert sum(r.booked for r in fees.fees_charge_days(days=days, now=now)) == 0


def test_bss_3_fees_charge_days_without_guard_leaves_the_guard_to_the_caller(db: Any) -> None:
    plan = TariffPlanFactory(code="d", fee_period="daily")
    PlanTermsFactory(plan=plan, fee=Decimal("1.00"))
    start = clock.start_of_local_day(date(2026, 11, 1))
    sub = subscriber_with_balance(300, now=start, plan=plan)
    PlanPeriod.objects.filter(subscriber=sub).update(valid_from=start)
    days = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    now = datetime(2026, 11, 3, 12, tzinfo=OPERATOR_TZ)
    with transaction.atomic():
        runs = fees.fees_charge_days(days=days, now=now, guard=False)
        assert sum(r.amount for r in runs) == -300
        sub.refresh_from_db()
        assert sub.status == "active"  # at zero, but the caller has not run the guard yet
        transaction.set_rollback(True)
    fees.fees_charge_days(days=days, now=now)
    sub.refresh_from_db()
    assert sub.status == "blocked_funds"
