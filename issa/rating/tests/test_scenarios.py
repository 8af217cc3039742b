"""BSS-3: month-long rating scenarios on a frozen clock, each asserting exact kopecks and
allowances. Prices (helpers.PRICES): offnet calls 0.20 BYN/min, roaming zone 1 calls 1.50 out and
0.50 in, SMS offnet 0.08, data at home 0.50/MB and in roaming zone 1 5.00/MB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.catalog.models import Allowance, PlanTerms, ServiceTerms, UsagePrice
from issa.core import clock
from issa.rating.models import AllowanceUsage
from issa.rating.selectors import remaining_allowances
from issa.rating.services import period_close
from issa.subscribers.models import Product
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import UsageRecord
from issa.usage.tests.helpers import ACTOR, MB, MIN, import_lines, line, package, priced_plan

pytestmark = pytest.mark.django_db

START = 10_000  # opening balance, kopecks
NOV = datetime(2026, 10, 31, 21, 0, tzinfo=UTC)  # 1 November 00:00 in Minsk
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: int, hour: int = 12) -> datetime:
    """n November 2026, ``hour`` o'clock in Minsk."""
    return NOV + timedelta(days=n - 1, hours=hour)


def balance(sub) -> int:
    return account_balance(account_id=sub.account_id)


def remaining(sub, kind: str) -> list[tuple[str, int, int]]:
    return [
        (a.source, a.used, a.remaining) for a in remaining_allowances(subscriber=sub, now=clock.now()) if a.kind == kind
    ]


def import_at(tmp_path, moment, lines, name):
    with time_machine.travel(moment, tick=False):
        return import_lines(tmp_path, lines, now=clock.now(), name=name)


def make_sub(terms: PlanTerms):
    return subscriber_with_balance(START, plan=terms.plan, now=NOV - timedelta(days=1))


def call(sub, rid, at, seconds, dest="offnet", outgoing=True):
    return line(rid, sub.msisdn, "voice", at, seconds, destination=dest, outgoing=outgoing, other_party="375447000000")


def test_bss_3_per_second_calls_exhaust_the_allowance_mid_call(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=10 * MIN))
    import_at(tmp_path, day(5), [call(sub, "a", day(3), 300), call(sub, "b", day(4), 250)], "1.cdr")
    assert balance(sub) == START
    assert remaining(sub, "voice") == [("Тариф smart", 550, 50)]
    # 100 s call: 50 s from the allowance, 50 s charged: 50 × 0.20 / 60 = 0.1667 → 17 kopecks
    import_at(tmp_path, day(12), [call(sub, "c", day(11), 100)], "2.cdr")
    assert balance(sub) == START - 17
    # 61 s: 61 × 0.20 / 60 = 0.2033 → 20 kopecks
    import_at(tmp_path, day(28), [call(sub, "d", day(27), 61)], "3.cdr")
    assert balance(sub) == START - 37
    assert remaining(sub, "voice") == [("Тариф smart", 600, 0)]
    c = UsageRecord.objects.get(record_id="c")
    assert (c.billable, c.from_allowances, c.charge) == (100, 50, 17)


def test_bss_3_per_minute_calls_are_rounded_up_to_started_minutes(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=10 * MIN, rounding="per_minute"))
    lines = [call(sub, "a", day(3), 300), call(sub, "b", day(4), 250), call(sub, "c", day(6), 100)]
    import_at(tmp_path, day(7), lines, "1.cdr")
    # 300 s → 5 min, 250 s → 5 min: the 10 minutes are gone; 100 s → 2 min × 0.20 = 40 kopecks
    assert balance(sub) == START - 40
    import_at(tmp_path, day(30, 23), [call(sub, "d", day(30, 22), 61)], "2.cdr")
    assert balance(sub) == START - 80  # 61 s → 2 min
    assert remaining(sub, "voice") == [("Тариф smart", 600, 0)]
    assert list(UsageRecord.objects.order_by("record_id").values_list("billable", "charge")) == [
        (300, 0),
        (300, 0),
        (120, 40),
        (120, 40),
    ]


def test_bss_3_package_minutes_go_before_the_plans(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=10 * MIN))
    terms = package(code="calls5", valid_from=EPOCH, quantity=5 * MIN)
    Product.objects.create(subscriber=sub, service=terms.service, active_from=NOV - timedelta(days=3))
    import_at(tmp_path, day(9), [call(sub, "a", day(8), 400)], "1.cdr")
    assert remaining(sub, "voice") == [("Пакет calls5", 300, 0), ("Тариф smart", 100, 500)]
    assert balance(sub) == START
    import_at(tmp_path, day(20), [call(sub, "b", day(19), 560)], "2.cdr")  # 500 free, 60 s charged
    assert balance(sub) == START - 20
    assert remaining(sub, "voice") == [("Пакет calls5", 300, 0), ("Тариф smart", 600, 0)]
    # the allowances reset with the period: December starts with nothing used
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        assert [(a.used, a.remaining) for a in remaining_allowances(subscriber=sub, now=clock.now())] == [
            (0, 300),
            (0, 600),
            (0, 50),
            (0, 1024 * MB),
        ]


def test_bss_3_roaming_is_priced_by_zone_and_not_covered_by_home_allowances(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH))
    lines = [
        call(sub, "r1", day(14, 9), 120, dest="roaming_1"),  # 2 min × 1.50 = 300
        call(sub, "r2", day(14, 10), 60, dest="roaming_1", outgoing=False),  # 1 min × 0.50 = 50
        call(sub, "h1", day(14, 11), 60, dest="roaming_1", outgoing=True),  # 150
        # 1.5 MB in roaming: 1536 KB → 16 units of 100 KB = 1600 KB = 1.5625 MB × 5.00 = 7.8125 → 781
        line(
            "d1",
            sub.msisdn,
            "data",
            day(15),
            600,
            destination="roaming_1",
            service="internet",
            domain="maps.example",
            up_bytes=512 * 1024,
            down_bytes=1024 * 1024,
        ),
        line(
            "d2",
            sub.msisdn,
            "data",
            day(16),
            600,
            destination="home",
            service="internet",
            domain="news.example",
            up_bytes=0,
            down_bytes=3 * MB,
        ),
    ]
    import_at(tmp_path, day(16, 18), lines, "roam.cdr")
    assert balance(sub) == START - 300 - 50 - 150 - 781
    assert remaining(sub, "voice") == [("Тариф smart", 0, 100 * MIN)]
    # 3 MB at home = 3072 KB → 31 units of 100 KB = 3100 KB, from the plan's 1 GB
    assert remaining(sub, "data") == [("Тариф smart", 3100 * 1024, 1024 * MB - 3100 * 1024)]
    assert UsageRecord.objects.get(record_id="d1").charge == 781


def test_bss_3_price_change_mid_month_never_reprices_what_was_rated(tmp_path):
    v1 = priced_plan(valid_from=EPOCH, voice_seconds=2 * MIN)
    sub = make_sub(v1)
    import_at(tmp_path, day(10), [call(sub, "a", day(9), 180)], "1.cdr")  # 120 free, 60 s at 0.20
    assert balance(sub) == START - 20
    # a new price version from 15 November: offnet 0.30/min, still 2 free minutes a month
    v2 = priced_plan(
        valid_from=day(15, 0), voice_seconds=2 * MIN, plan=v1.plan, prices={("voice", "offnet", True): "0.3000"}
    )
    lines = [
        call(sub, "b", day(16), 60),  # after the change: 0.30 → 30
        call(sub, "late", day(12), 60),  # before the change, arrives late: still 0.20 → 20
    ]
    import_at(tmp_path, day(17), lines, "2.cdr")
    assert balance(sub) == START - 20 - 30 - 20
    assert dict(UsageRecord.objects.values_list("record_id", "plan_terms_id")) == {
        "a": v1.pk,
        "b": v2.pk,
        "late": v1.pk,
    }
    assert UsageRecord.objects.get(record_id="a").charge == 20  # untouched by the new price
    assert UsagePrice.objects.get(terms=v2).unit_price == Decimal("0.3000")
    assert remaining(sub, "voice") == [("Тариф smart", 120, 0)]  # used stays used across versions


def test_bss_3_data_rounded_per_unit_and_allowance_exhausted_mid_session(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, data_bytes=1 * MB, data_unit_kb=100))
    kb = 1024
    lines = [
        # 650 KB → 7 units of 100 KB = 700 KB, all from the allowance (1024 KB)
        line(
            "s1",
            sub.msisdn,
            "data",
            day(2),
            300,
            destination="home",
            service="internet",
            domain="a.example",
            up_bytes=50 * kb,
            down_bytes=600 * kb,
        ),
        # 500 KB → 500 KB: 324 KB free, 176 KB charged: 176/1024 × 0.50 = 0.0859 → 9 kopecks
        line(
            "s2",
            sub.msisdn,
            "data",
            day(3),
            300,
            destination="home",
            service="internet",
            domain="b.example",
            up_bytes=0,
            down_bytes=500 * kb,
        ),
        # 1 byte → one unit of 100 KB: 100/1024 × 0.50 = 0.0488 → 5 kopecks
        line(
            "s3",
            sub.msisdn,
            "data",
            day(4),
            1,
            destination="home",
            service="internet",
            domain="c.example",
            up_bytes=1,
            down_bytes=0,
        ),
    ]
    import_at(tmp_path, day(5), lines, "data.cdr")
    assert balance(sub) == START - 9 - 5
    assert remaining(sub, "data") == [("Тариф smart", 1 * MB, 0)]
    assert list(UsageRecord.objects.order_by("record_id").values_list("billable", "from_allowances", "charge")) == [
        (700 * kb, 700 * kb, 0),
        (500 * kb, 324 * kb, 9),
        (100 * kb, 0, 5),
    ]


def test_bss_3_sms_beyond_the_allowance_are_charged_per_piece(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, sms=3, voice_seconds=0, data_bytes=0))
    lines = [
        line(f"m{i}", sub.msisdn, "sms", day(2 + i), 1, destination="offnet", other_party="375447000000")
        for i in range(5)
    ]
    lines.append(line("in", sub.msisdn, "sms", day(9), 1, destination="offnet", outgoing=False))  # free
    import_at(tmp_path, day(10), lines, "sms.cdr")
    assert balance(sub) == START - 2 * 8
    assert remaining(sub, "sms") == [("Тариф smart", 3, 0)]
    assert AllowanceUsage.objects.get().used == 3


def test_bss_2_late_records_go_to_their_open_period_then_to_the_next_once_closed(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=0))
    october = NOV - timedelta(days=2)  # 29 October, 21:00 UTC
    # 2 November: October is still open (its bill is not made yet) → billed in October
    import_at(tmp_path, day(2), [call(sub, "oct1", october, 60)], "1.cdr")
    first = LedgerEntry.objects.get(kind=LedgerEntry.Kind.USAGE)
    assert (first.amount, first.effective_at, first.details["period"]) == (-20, october, "2026-10")
    # the bill run closes October; a roaming partner's record of October arrives on 10 November
    with time_machine.travel(day(3), tick=False):
        period_close(key="2026-10", actor=ACTOR, now=clock.now())
    import_at(tmp_path, day(10), [call(sub, "oct2", october + timedelta(hours=1), 120, dest="roaming_1")], "2.cdr")
    record = UsageRecord.objects.get(record_id="oct2")
    assert (record.bill_period, record.correction, record.charge) == ("2026-11", True, 300)
    late = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USAGE).latest("id")
    assert (late.amount, late.effective_at, late.details["period"], late.details["correction"]) == (
        -300,
        day(10),
        "2026-11",
        True,
    )
    assert balance(sub) == START - 320
    assert account_balance(account_id=sub.account_id, at=NOV) == START - 20  # October's bill: unchanged


def test_bss_3_balance_equals_the_sum_of_entries_and_of_the_records(tmp_path):
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=MIN))
    lines = [call(sub, f"x{i}", day(1 + i % 28, 8 + i % 12), 30 + 7 * i) for i in range(60)]
    import_at(tmp_path, day(29), lines, "month.cdr")
    charged = sum(UsageRecord.objects.values_list("charge", flat=True))
    assert charged > 0
    assert balance(sub) == START - charged
    assert sum(LedgerEntry.objects.filter(account=sub.account).values_list("amount", flat=True)) == START - charged


def test_bss_3_a_package_version_changed_mid_month_applies_from_its_date_within_one_import(tmp_path):
    """The allowance in force at each record's time, even when both sides of the change arrive in
    one file (one rating batch): 5 package minutes until the 15th, 10 from the 15th."""
    sub = make_sub(priced_plan(valid_from=EPOCH, voice_seconds=0))
    v1 = package(code="calls", valid_from=EPOCH, quantity=5 * MIN)
    v2 = ServiceTerms.objects.create(
        service=v1.service, valid_from=day(15, 0), fee=Decimal("3.00"), fee_period=ServiceTerms.FeePeriod.MONTHLY
    )
    Allowance.objects.create(service_terms=v2, kind="voice", quantity=10 * MIN)
    Product.objects.create(subscriber=sub, service=v1.service, active_from=NOV - timedelta(days=3))

    lines = [call(sub, "a", day(10), 300), call(sub, "b", day(16), 300), call(sub, "c", day(17), 60)]
    import_at(tmp_path, day(18), lines, "1.cdr")

    # a: the 5 minutes of v1; b: v2's 10 minutes have 5 left after a; c: 60 s beyond → 0.20 BYN
    assert list(UsageRecord.objects.order_by("record_id").values_list("record_id", "from_allowances", "charge")) == [
        ("a", 300, 0),
        ("b", 300, 0),
        ("c", 0, 20),
    ]
    assert balance(sub) == START - 20
