"""BSS-3 and SVC-9: month-long fee scenarios on a frozen clock, exact kopecks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum

from issa.billing import fees
from issa.billing.fees import fees_charge_day, fees_run
from issa.billing.models import LedgerEntry
from issa.catalog.models import Service, ServiceTerms, TariffPlan
from issa.core import clock
from issa.subscribers.models import PlanPeriod, Product, Subscriber
from issa.testing.factories import PlanTermsFactory, ServiceFactory, TariffPlanFactory, subscriber_with_balance

RICH = 1_000_000  # kopecks: enough that the prepaid guard never blocks in these scenarios


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return clock.start_of_local_day(day) + timedelta(hours=hour, minutes=minute)


def run_month(year: int, month: int, *, twice: bool = False) -> None:
    """The job as the scheduler runs it: shortly after midnight each day (and once more later)."""
    day = date(year, month, 1)
    while day.month == month:
        for moment in [at(day, 0, 5)] + ([at(day, 13, 0)] if twice else []):
            with time_machine.travel(moment, tick=False):
                fees_run(now=clock.now())
        day += timedelta(days=1)


def fees_of(subscriber: Subscriber, month: tuple[int, int] | None = None, **filters: object) -> int:
    qs = LedgerEntry.objects.filter(subscriber=subscriber, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, **filters)
    if month is not None:
        period = clock.period_of(at(date(*month, 1), 12))
        qs = qs.filter(effective_at__gte=period.start, effective_at__lt=period.end)
    return int(qs.aggregate(total=Sum("amount"))["total"] or 0)


def plan(code: str, period: str, fee: str, discount: str = "0") -> TariffPlan:
    p = TariffPlanFactory(code=code, fee_period=period)
    PlanTermsFactory(plan=p, fee=Decimal(fee), fee_discount=Decimal(discount))
    return p


def service(code: str, period: str, fee: str, *, kind: str = Service.Kind.OPTION, pro_rata: bool = True) -> Service:
    s = ServiceFactory(code=code, kind=kind)
    ServiceTerms.objects.create(
        service=s, valid_from=at(date(2020, 1, 1)), fee=Decimal(fee), fee_period=period, pro_rata=pro_rata
    )
    return s


def connect(subscriber: Subscriber, svc: Service, start: datetime, end: datetime | None = None) -> Product:
    return Product.objects.create(subscriber=subscriber, service=svc, active_from=start, active_to=end)


@pytest.mark.django_db
def test_bss_3_daily_plan_over_a_30_and_a_31_day_month_charged_once_a_day():
    daily = plan("daily", TariffPlan.FeePeriod.DAILY, "0.4833")  # 48 kopecks a day
    subscriber = subscriber_with_balance(RICH, plan=daily)
    run_month(2026, 11, twice=True)
    assert fees_of(subscriber, (2026, 11)) == -30 * 48
    assert fees_of(subscriber, (2026, 10)) == -48  # the run of the 1st also catches up the day before
    assert LedgerEntry.objects.filter(subscriber=subscriber, kind="subscription_fee").count() == 31
    run_month(2026, 12)
    assert fees_of(subscriber, (2026, 12)) == -31 * 48
    first = LedgerEntry.objects.get(idempotency_key=f"fee:{subscriber.pk}:plan:{daily.pk}:2026-12-01")
    assert first.amount == -48
    assert first.effective_at == at(date(2026, 12, 1))  # in advance, for the day


@pytest.mark.django_db
def test_bss_3_monthly_plan_pro_rata_first_month_then_full():
    monthly = plan("monthly", TariffPlan.FeePeriod.MONTHLY, "19.90")
    subscriber = subscriber_with_balance(RICH, plan=monthly)
    PlanPeriod.objects.filter(subscriber=subscriber).update(valid_from=at(date(2026, 11, 12), 10, 30))
    run_month(2026, 11, twice=True)
    assert fees_of(subscriber) == -1260  # 19.90 × 19/30 = 12.6033 → 12.60
    run_month(2026, 12)
    assert fees_of(subscriber) == -1260 - 1990
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 1))) == -1990


@pytest.mark.django_db
def test_bss_3_services_connected_mid_month_daily_monthly_pro_rata_and_not():
    daily = plan("daily-s", TariffPlan.FeePeriod.DAILY, "0.50")
    subscriber = subscriber_with_balance(RICH, plan=daily)
    option = service("opt-daily", ServiceTerms.FeePeriod.DAILY, "0.10")
    package = service("pkg-month", ServiceTerms.FeePeriod.MONTHLY, "3.00")
    flat = service("flat-month", ServiceTerms.FeePeriod.MONTHLY, "2.00", pro_rata=False)
    connect(subscriber, option, at(date(2026, 11, 10), 15))  # days 10..30: 21 days
    connect(subscriber, package, at(date(2026, 11, 16), 9))  # 15/30 of 3.00
    connect(subscriber, flat, at(date(2026, 11, 5), 9), at(date(2026, 11, 20), 9))  # full, no refund
    run_month(2026, 11)
    assert fees_of(subscriber, details__service=option.pk) == -21 * 10
    assert fees_of(subscriber, details__service=package.pk) == -150
    assert fees_of(subscriber, details__service=flat.pk) == -200
    assert fees_of(subscriber, (2026, 11)) == -(30 * 50 + 210 + 150 + 200)
    run_month(2026, 12)
    assert fees_of(subscriber, details__service=package.pk) == -150 - 300
    assert fees_of(subscriber, details__service=flat.pk) == -200  # disconnected in November


@pytest.mark.django_db
def test_svc_9_pause_mid_month_first_day_full_then_half_plan_and_free_services():
    daily = plan("daily-p", TariffPlan.FeePeriod.DAILY, "0.4833")  # 48 kopecks; half: 0.24165 → 24
    subscriber = subscriber_with_balance(RICH, plan=daily)
    option = service("opt-p", ServiceTerms.FeePeriod.DAILY, "0.10")
    pause = service("pause", ServiceTerms.FeePeriod.NONE, "0", kind=Service.Kind.PAUSE)
    connect(subscriber, option, at(date(2026, 10, 1)))
    connect(subscriber, pause, at(date(2026, 11, 10), 14), at(date(2026, 11, 20), 11))
    run_month(2026, 11, twice=True)
    day = {d: fees_of(subscriber, effective_at=at(date(2026, 11, d))) for d in range(1, 31)}
    assert day[9] == -58
    assert day[10] == -58  # the day Pause starts: full fees, as if no Pause
    assert all(day[d] == -24 for d in range(11, 21))  # paused at 00:00: half the plan, no option
    assert day[21] == -58  # restored on the 20th
    assert fees_of(subscriber, (2026, 11)) == -(20 * 58 + 10 * 24)


@pytest.mark.django_db
def test_svc_9_pause_with_a_discount_charges_half_of_the_discounted_fee():
    discounted = plan("daily-d", TariffPlan.FeePeriod.DAILY, "1.00", discount="0.40")
    subscriber = subscriber_with_balance(RICH, plan=discounted)
    pause = service("pause-d", ServiceTerms.FeePeriod.NONE, "0", kind=Service.Kind.PAUSE)
    connect(subscriber, pause, at(date(2026, 11, 1), 9))
    run_month(2026, 11)
    assert fees_of(subscriber, effective_at=at(date(2026, 11, 1))) == -60
    assert fees_of(subscriber, effective_at=at(date(2026, 11, 2))) == -30  # (1.00 − 0.40) × 50%
    assert fees_of(subscriber, (2026, 11)) == -(60 + 29 * 30)


@pytest.mark.django_db
def test_svc_9_monthly_plan_and_service_under_pause_credit_paused_days_exactly():
    monthly = plan("monthly-p", TariffPlan.FeePeriod.MONTHLY, "30.00", discount="6.00")  # base 24.00
    subscriber = subscriber_with_balance(RICH, plan=monthly)
    package = service("pkg-p", ServiceTerms.FeePeriod.MONTHLY, "3.10")
    pause = service("pause-m", ServiceTerms.FeePeriod.NONE, "0", kind=Service.Kind.PAUSE)
    connect(subscriber, package, at(date(2026, 11, 1)))
    connect(subscriber, pause, at(date(2026, 12, 10), 12), at(date(2026, 12, 25), 10))  # paused 11..25
    run_month(2026, 12, twice=True)
    # plan: 24.00 charged, then 50% back for 15 of 31 days: 12.00 × 15/31 = 5.806 → 5.81
    assert fees_of(subscriber, details__plan=monthly.pk) == -2400 + 581
    credits = LedgerEntry.objects.filter(subscriber=subscriber, details__pause_credit=True, details__plan=monthly.pk)
    assert credits.count() == 15
    # package: 3.10 charged, whole day's share back for 15 of 31 days: 1.50
    assert fees_of(subscriber, details__service=package.pk) == -310 + 150
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 1))) == -2400 - 310  # in advance on the 1st
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 10))) == 0  # the start day: nothing back
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 11))) == 39 + 10  # 12.00/31 → 0.39; 3.10/31 → 0.10
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 26))) == 0  # restored on the 25th


@pytest.mark.django_db
def test_bss_3_fee_job_killed_midway_and_rerun_charges_exactly_once(monkeypatch):
    daily = plan("daily-k", TariffPlan.FeePeriod.DAILY, "0.25")
    subscribers = [subscriber_with_balance(RICH, plan=daily) for _ in range(5)]
    day = date(2026, 11, 3)
    calls = {"n": 0}
    real_bulk_create = LedgerEntry.objects.bulk_create

    def dying_bulk_create(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")  # the process dies inside the second batch's transaction
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(LedgerEntry.objects, "bulk_create", dying_bulk_create)
    with pytest.raises(SystemExit):
        fees_charge_day(day=day, now=at(day, 0, 5), batch_size=2)
    assert LedgerEntry.objects.filter(kind="subscription_fee").count() == 2  # first batch committed only
    monkeypatch.setattr(LedgerEntry.objects, "bulk_create", real_bulk_create)

    run = fees_charge_day(day=day, now=at(day, 0, 7), batch_size=2)
    assert (run.booked, run.skipped) == (3, 2)
    again = fees_charge_day(day=day, now=at(day, 1, 0), batch_size=2)
    assert (again.booked, again.skipped) == (0, 5)
    for subscriber in subscribers:
        assert fees_of(subscriber) == -25


@pytest.mark.django_db
def test_bss_3_fee_job_queries_do_not_grow_with_subscribers(django_assert_num_queries, django_db_setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    daily = plan("daily-q", TariffPlan.FeePeriod.DAILY, "0.25")
    option = service("opt-q", ServiceTerms.FeePeriod.DAILY, "0.10")
    for _ in range(4):
        connect(subscriber_with_balance(RICH, plan=daily), option, at(date(2026, 10, 1)))
    with CaptureQueriesContext(connection) as small:
        fees_charge_day(day=date(2026, 11, 3), now=at(date(2026, 11, 3), 0, 5))
    for _ in range(12):
        connect(subscriber_with_balance(RICH, plan=daily), option, at(date(2026, 10, 1)))
    with CaptureQueriesContext(connection) as large:
        fees_charge_day(day=date(2026, 11, 4), now=at(date(2026, 11, 4), 0, 5))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert LedgerEntry.objects.filter(kind="subscription_fee").count() == 4 * 2 + 16 * 2


@pytest.mark.django_db
def test_bss_3_fees_drive_a_prepaid_balance_to_zero_and_the_guard_blocks(django_capture_on_commit_callbacks):
    daily = plan("daily-g", TariffPlan.FeePeriod.DAILY, "0.50")
    subscriber = subscriber_with_balance(100, plan=daily)
    with django_capture_on_commit_callbacks(execute=True):
        fees_charge_day(day=date(2026, 11, 1), now=at(date(2026, 11, 1), 0, 5))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE  # 0.50 left
    fees_charge_day(day=date(2026, 11, 2), now=at(date(2026, 11, 2), 0, 5))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BLOCKED_FUNDS  # exactly zero


def test_bss_3_daily_share_adds_up_to_the_exact_pro_rata_amount():
    total = sum(fees._daily_share(Decimal("24.00"), Decimal("0.5"), 31, n) for n in range(1, 16))
    assert total == 581


@pytest.mark.django_db
def test_bss_4_fees_and_pause_credits_are_new_entries_and_the_balance_is_their_sum():
    from issa.billing.selectors import account_balance

    daily = plan("daily-l", TariffPlan.FeePeriod.DAILY, "0.4833")
    subscriber = subscriber_with_balance(5000, plan=daily, now=at(date(2026, 10, 1)))
    monthly = service("pkg-l", ServiceTerms.FeePeriod.MONTHLY, "3.10")
    pause = service("pause-l", ServiceTerms.FeePeriod.NONE, "0", kind=Service.Kind.PAUSE)
    connect(subscriber, monthly, at(date(2026, 11, 1)))
    connect(subscriber, pause, at(date(2026, 11, 10), 14), at(date(2026, 11, 20), 11))
    run_month(2026, 11)
    entries = list(LedgerEntry.objects.filter(account=subscriber.account).values_list("amount", "booked_at"))
    assert account_balance(account_id=subscriber.account_id) == sum(amount for amount, _ in entries)
    # the monthly package was charged once and returned day by day: 10 paused days of 30
    assert fees_of(subscriber, (2026, 11), details__service=monthly.pk) == -310 + 103
    assert LedgerEntry.objects.filter(details__pause_credit=True, amount__gt=0).count() == 10
    # nothing was ever rewritten: every entry was booked by the run of its own day (or the day after)
    for entry in LedgerEntry.objects.filter(kind="subscription_fee"):
        assert timedelta(0) < entry.booked_at - entry.effective_at <= timedelta(days=1, minutes=5)


@pytest.mark.django_db
def test_bss_3_scheduled_job_is_declared_and_a_late_run_charges_the_intended_day():
    from issa.billing import tasks
    from issa.billing.schedules import JOBS

    (job,) = [job for job in JOBS if job.name == "billing.fees"]
    job.validate()
    assert job.func == "issa.billing.tasks.fees_run"
    daily = plan("daily-j", TariffPlan.FeePeriod.DAILY, "0.25")
    subscriber = subscriber_with_balance(RICH, plan=daily)
    with time_machine.travel(at(date(2026, 11, 5), 3, 0), tick=False):  # the worker was down for 2 days
        tasks.fees_run(intended=at(date(2026, 11, 3), 0, 5).isoformat())
        tasks.fees_run()
    days = set(
        LedgerEntry.objects.filter(subscriber=subscriber).exclude(kind="opening").values_list("details__day", flat=True)
    )
    assert days == {"2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"}


@pytest.mark.django_db
def test_bss_3_fees_charge_command_replays_days_once_and_refuses_the_future():
    from io import StringIO

    from django.core.management import CommandError, call_command

    daily = plan("daily-c", TariffPlan.FeePeriod.DAILY, "0.25")
    subscriber = subscriber_with_balance(RICH, plan=daily)
    with time_machine.travel(at(date(2026, 11, 10), 9), tick=False):
        out = StringIO()
        call_command("fees_charge", "--from", "2026-11-01", "--to", "2026-11-10", stdout=out)
        call_command("fees_charge", "--from", "2026-11-01", "--to", "2026-11-10", stdout=StringIO())
        with pytest.raises(CommandError):
            call_command("fees_charge", "--from", "2026-11-01", "--to", "2026-11-11")
    assert fees_of(subscriber, (2026, 11)) == -250
    assert "2026-11-01: 1 subscribers, 1 entries booked" in out.getvalue()


@pytest.mark.django_db
def test_bss_3_price_change_mid_month_applies_from_its_day_and_reprices_nothing_booked():
    from issa.testing.factories import PlanTermsFactory

    daily = plan("daily-v", TariffPlan.FeePeriod.DAILY, "0.50")
    subscriber = subscriber_with_balance(RICH, plan=daily)
    day = date(2026, 11, 1)
    while day <= date(2026, 11, 10):
        with time_machine.travel(at(day, 0, 5), tick=False):
            fees_run(now=clock.now())
        day += timedelta(days=1)
    PlanTermsFactory(plan=daily, fee=Decimal("0.60"), valid_from=at(date(2026, 11, 15)))  # announced on the 10th
    run_month(2026, 11)
    assert fees_of(subscriber, (2026, 11)) == -(14 * 50 + 16 * 60)
    assert fees_of(subscriber, effective_at=at(date(2026, 11, 14))) == -50
    assert fees_of(subscriber, effective_at=at(date(2026, 11, 15))) == -60


@pytest.mark.django_db
def test_svc_9_pause_across_the_month_boundary_on_a_monthly_plan():
    monthly = plan("monthly-b", TariffPlan.FeePeriod.MONTHLY, "15.00")
    subscriber = subscriber_with_balance(RICH, plan=monthly)
    pause = service("pause-b", ServiceTerms.FeePeriod.NONE, "0", kind=Service.Kind.PAUSE)
    connect(subscriber, pause, at(date(2026, 11, 25), 10), at(date(2026, 12, 3), 12))
    run_month(2026, 11)
    run_month(2026, 12)
    # November: 15.00, then 7.50 × 5/30 back for 26–30 November
    assert fees_of(subscriber, (2026, 11)) == -1500 + 125
    # December: 15.00 in advance on the 1st (paused), then 7.50 × 3/31 = 0.7258 back for 1–3 December
    assert fees_of(subscriber, (2026, 12)) == -1500 + 73
    assert fees_of(subscriber, effective_at=at(date(2026, 12, 4))) == 0


@pytest.mark.django_db
def test_bss_3_monthly_plan_with_a_discount_pro_rata_for_a_new_subscriber():
    monthly = plan("monthly-n", TariffPlan.FeePeriod.MONTHLY, "30.00", discount="6.00")
    subscriber = subscriber_with_balance(RICH, plan=monthly)
    PlanPeriod.objects.filter(subscriber=subscriber).update(valid_from=at(date(2026, 11, 21), 18, 45))
    run_month(2026, 11, twice=True)
    assert fees_of(subscriber, (2026, 11)) == -800  # (30.00 − 6.00) × 10/30
    entry = LedgerEntry.objects.get(subscriber=subscriber, kind="subscription_fee")
    assert (entry.details["days"], entry.details["of"]) == (10, 30)
    assert entry.effective_at == at(date(2026, 11, 21))


@pytest.mark.django_db(transaction=True)
def test_bss_3_two_fee_jobs_at_once_charge_exactly_once():
    """Two workers running the same day concurrently (PostgreSQL: real parallel transactions)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL")
    daily = plan("daily-t", TariffPlan.FeePeriod.DAILY, "0.25")
    subscribers = [subscriber_with_balance(RICH, plan=daily) for _ in range(30)]
    day = date(2026, 11, 3)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            fees_charge_day(day=day, now=at(day, 0, 5), batch_size=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for subscriber in subscribers:
        assert fees_of(subscriber) == -25


@pytest.mark.django_db
def test_bss_3_monthly_plan_taken_in_the_middle_of_a_day_is_charged_from_the_next_day():
    """The day's fee follows the plan the day starts with; a monthly plan that begins at 14:00
    pays pro rata from the next day (it used to be skipped for the whole month)."""
    daily = plan("daily-mid", TariffPlan.FeePeriod.DAILY, "0.4833")  # 48 kopecks a day
    monthly = plan("monthly-mid", TariffPlan.FeePeriod.MONTHLY, "19.90")
    subscriber = subscriber_with_balance(RICH, plan=daily)
    change = at(date(2026, 11, 11), 14, 0)
    PlanPeriod.objects.filter(subscriber=subscriber).update(valid_to=change)
    PlanPeriod.objects.create(subscriber=subscriber, plan=monthly, valid_from=change)
    run_month(2026, 11, twice=True)
    assert fees_of(subscriber, (2026, 11), details__plan=daily.pk) == -11 * 48
    # 19.90 × 19/30 days = 12.6033 -> 12,60 BYN, booked once on the 12th
    monthly_fee = LedgerEntry.objects.get(idempotency_key=f"fee:{subscriber.pk}:plan:{monthly.pk}:2026-11")
    assert monthly_fee.amount == -1260
    assert monthly_fee.effective_at == at(date(2026, 11, 12))
    assert fees_of(subscriber, (2026, 11)) == -11 * 48 - 1260
