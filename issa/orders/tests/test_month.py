"""End to end (SVC-1, SVC-4, SVC-9, BSS-3): a month with a service, a mid-month plan change and a
Pause; orders carried out by the worker, fees by the daily job, usage by the import; every kopeck
of March accounted for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from issa.billing.fees import fees_run
from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.catalog.models import PlanTerms, UsagePrice
from issa.core import clock
from issa.core.money import to_kopecks
from issa.orders.models import Order
from issa.orders.services import order_submit, orders_run_due
from issa.usage.models import UsageRecord
from issa.usage.tests.helpers import import_lines, line

pytestmark = pytest.mark.django_db(transaction=True)


def local(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return clock.start_of_local_day(date(2025, 3, day)) + timedelta(hours=hour, minutes=minute)


def test_svc_1_svc_9_month_with_plan_change_and_pause_charged_exactly(
    make_subscriber: Any, catalogue: Any, web: Any, tmp_path: Path
) -> None:
    plans = catalogue["plans"]
    for code, price in (("basic", "0.2000"), ("smart", "0.1000")):
        terms = PlanTerms.objects.get(plan=plans[code])
        UsagePrice.objects.create(terms=terms, kind="voice", destination="offnet", unit_price=Decimal(price))
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        subscriber = make_subscriber(10000)  # 100.00 BYN, prepaid, on «Базовый» since January
    events: dict[int, list[tuple[str, dict[str, str]]]] = {
        5: [("connect_service", {"service": "music"})],
        10: [("change_plan", {"plan": "smart"})],  # takes effect at 00:00 on the 11th
        20: [("pause", {})],
        25: [("restore", {})],
    }
    orders: dict[str, Order] = {}
    for day in range(1, 32):
        with time_machine.travel(local(day, 0, 1), tick=False):
            orders_run_due(now=timezone.now())  # the every-minute job: midnight plan change
        with time_machine.travel(local(day, 0, 5), tick=False):
            fees_run(now=timezone.now())  # the daily job: yesterday and today
        for action, params in events.get(day, []):
            with time_machine.travel(local(day, 12), tick=False):
                order = order_submit(subscriber=subscriber, action=action, params=params, actor=web, now=timezone.now())
                orders[action] = order
    for order in orders.values():
        order.refresh_from_db()
        assert order.state == Order.State.COMPLETED, order
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "smart"
    assert subscriber.status == "active"

    # usage arrives later: a minute on each plan, rated by the plan in force at the call's time
    with time_machine.travel(local(31, 23), tick=False):
        import_lines(
            tmp_path,
            [
                line("c1", subscriber.msisdn, "voice", local(10, 23, 59), 60, destination="offnet"),
                line("c2", subscriber.msisdn, "voice", local(11, 0, 1), 60, destination="offnet"),
            ],
            now=timezone.now(),
        )
    charges = dict(UsageRecord.objects.filter(subscriber_id=subscriber.pk).values_list("record_id", "charge"))
    assert charges == {"c1": 20, "c2": 10}

    entries = LedgerEntry.objects.filter(account=subscriber.account).exclude(kind=LedgerEntry.Kind.OPENING)
    fees = {
        e.idempotency_key.split(":", 2)[2] if e.idempotency_key.startswith("fee:") else e.idempotency_key: e.amount
        for e in entries.filter(kind__in=["subscription_fee", "one_time_fee"])
    }
    music = catalogue["services"]["music"].pk
    expected_credit_smart = to_kopecks(Decimal("20.00") * Decimal("0.5") * 5 / 31)  # 21st..25th paused
    expected_credit_music = to_kopecks(Decimal("3.00") * 5 / 31)
    pause_credits = entries.filter(idempotency_key__startswith="pausecredit:")
    assert (
        sum(e.amount for e in pause_credits if f"plan:{plans['smart'].pk}" in e.idempotency_key)
        == expected_credit_smart
    )
    assert sum(e.amount for e in pause_credits if f"service:{music}" in e.idempotency_key) == expected_credit_music
    assert sorted(clock.local_date(e.effective_at).day for e in pause_credits if "plan:" in e.idempotency_key) == [
        21,
        22,
        23,
        24,
        25,
    ]
    assert fees[f"plan:{plans['basic'].pk}:2025-03"] == -1000  # charged in advance on the 1st
    assert fees[f"plan:{plans['smart'].pk}:2025-03"] == -to_kopecks(Decimal("20.00") * 21 / 31)  # from the 11th
    assert fees[f"service:{music}:2025-03"] == -to_kopecks(Decimal("3.00") * 27 / 31)  # from the 5th
    assert fees[f"order:{orders['connect_service'].pk}:fee"] == -100
    assert fees[f"order:{orders['change_plan'].pk}:fee"] == -200
    total = (
        -1000
        - to_kopecks(Decimal("20.00") * 21 / 31)
        - to_kopecks(Decimal("3.00") * 27 / 31)
        - 100
        - 200
        + expected_credit_smart
        + expected_credit_music
        - 30
    )
    assert account_balance(account_id=subscriber.account_id) == 10000 + total
    charged = [k for k in fees if not k.startswith("pausecredit:")]
    assert len(charged) == 5  # nothing charged twice: one fee per product and month, one per order
