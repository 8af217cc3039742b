"""BSS-3: the pure charge models — units, allowance order, rounding stated once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from issa.rating.charges import Bucket, TermsView, billable_units, money_for, rate

PER_SECOND = TermsView(1, "per_second", 100)
PER_MINUTE = TermsView(2, "per_minute", 100)
KB = 1024


@pytest.mark.parametrize(
    ("terms", "seconds", "billable"),
    [(PER_SECOND, 61, 61), (PER_MINUTE, 61, 120), (PER_MINUTE, 60, 60), (PER_MINUTE, 1, 60), (PER_MINUTE, 0, 0)],
)
def test_bss_3_calls_per_second_or_per_started_minute(terms, seconds, billable):
    assert billable_units(kind="voice", quantity=seconds, terms=terms) == billable


def test_bss_3_data_per_started_unit_of_the_plan():
    assert billable_units(kind="data", quantity=650 * KB, terms=PER_SECOND) == 700 * KB
    assert billable_units(kind="data", quantity=1, terms=TermsView(3, "per_second", 1)) == KB
    assert billable_units(kind="data", quantity=0, terms=PER_SECOND) == 0
    assert billable_units(kind="sms", quantity=2, terms=PER_SECOND) == 2


def test_bss_3_money_rounded_once_half_up():
    assert money_for(kind="voice", units=50, unit_price=Decimal("0.20")) == 17  # 0.1667
    assert money_for(kind="voice", units=45, unit_price=Decimal("0.02")) == 2  # 0.015 → half up
    assert money_for(kind="data", units=1600 * KB, unit_price=Decimal("5.00")) == 781  # 7.8125
    assert money_for(kind="sms", units=3, unit_price=Decimal("0.0833")) == 25  # 0.2499


def test_bss_3_allowances_in_order_never_below_zero_then_charged():
    package = Bucket(("service", 7, "voice", ""), total=40)
    plan = Bucket(("plan", 1, "voice", ""), total=100, used=0)
    charge = rate(kind="voice", quantity=200, terms=PER_SECOND, unit_price=Decimal("0.20"), buckets=[package, plan])
    assert (charge.billable, charge.from_allowances, charge.charged_units, charge.kopecks) == (200, 140, 60, 20)
    assert charge.consumed == ((package.key, 40), (plan.key, 100))
    assert (package.remaining, plan.remaining) == (0, 0)
    again = rate(kind="voice", quantity=30, terms=PER_SECOND, unit_price=Decimal("0.20"), buckets=[package, plan])
    assert (again.from_allowances, again.kopecks) == (0, 10)
    assert (package.used, plan.used) == (40, 100)


def test_bss_3_free_usage_consumes_no_allowance():
    plan = Bucket(("plan", 1, "voice", ""), total=100)
    for price in (None, Decimal("0")):
        charge = rate(kind="voice", quantity=60, terms=PER_SECOND, unit_price=price, buckets=[plan])
        assert (charge.kopecks, charge.from_allowances, plan.used) == (0, 0, 0)


def test_bss_3_money_never_takes_a_float():
    with pytest.raises(TypeError):
        money_for(kind="voice", units=60, unit_price=0.2)  # type: ignore[arg-type]
