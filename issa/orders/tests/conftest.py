"""Fixtures of the orders tests: a small catalogue with compatibility rules and a subscriber
whose SIM is known to the simulated network element."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from issa.catalog.models import (
    PlanChangeTerms,
    PlanTerms,
    Service,
    ServiceAvailability,
    ServiceRule,
    ServiceTerms,
    TariffPlan,
)
from issa.identity.actor import Actor
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.subscribers.models import Subscriber
from issa.testing.factories import subscriber_with_balance

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def catalogue(db: Any) -> dict[str, Any]:
    plans = {}
    plan_rows: list[tuple[str, str, str, Any]] = [
        ("basic", "Базовый", "10.00", TariffPlan.FeePeriod.MONTHLY),
        ("smart", "Смарт", "20.00", TariffPlan.FeePeriod.MONTHLY),
        ("daily", "Суточный", "0.50", TariffPlan.FeePeriod.DAILY),
    ]
    for code, name, fee, period in plan_rows:
        plan = TariffPlan.objects.create(code=code, name=name, fee_period=period, description=f"{name}: описание")
        PlanTerms.objects.create(plan=plan, valid_from=T0, fee=Decimal(fee))
        plans[code] = plan
    PlanChangeTerms.objects.create(
        plan=plans["smart"], fee=Decimal("2.00"), effective=PlanChangeTerms.Effective.NEXT_DAY
    )
    PlanChangeTerms.objects.create(
        plan=plans["daily"], fee=Decimal("0"), effective=PlanChangeTerms.Effective.IMMEDIATELY
    )
    services = {}
    for code, name, kind, fee, period, one_time in [
        ("music", "Музыка", Service.Kind.OPTION, "3.00", ServiceTerms.FeePeriod.MONTHLY, "1.00"),
        ("music-hd", "Музыка HD", Service.Kind.OPTION, "1.00", ServiceTerms.FeePeriod.MONTHLY, "0"),
        ("roam", "Роуминг+", Service.Kind.OPTION, "0.10", ServiceTerms.FeePeriod.DAILY, "0"),
        ("int-1", "Интернет 1 ГБ", Service.Kind.INTERNET, "5.00", ServiceTerms.FeePeriod.MONTHLY, "0"),
        ("int-5", "Интернет 5 ГБ", Service.Kind.INTERNET, "9.00", ServiceTerms.FeePeriod.MONTHLY, "0"),
        ("fav", "Любимый номер", Service.Kind.FAVOURITE, "1.50", ServiceTerms.FeePeriod.MONTHLY, "0.50"),
        ("pause", "Пауза", Service.Kind.PAUSE, "0", ServiceTerms.FeePeriod.NONE, "0"),
    ]:
        service = Service.objects.create(code=code, name=name, kind=kind)
        ServiceTerms.objects.create(
            service=service, valid_from=T0, fee=Decimal(fee), fee_period=period, one_time_fee=Decimal(one_time)
        )
        services[code] = service
    ServiceRule.objects.create(service=services["music-hd"], kind=ServiceRule.Kind.REQUIRES, other=services["music"])
    ServiceRule.objects.create(service=services["roam"], kind=ServiceRule.Kind.EXCLUDES, other=services["int-5"])
    ServiceAvailability.objects.create(service=services["fav"], plan=plans["smart"])
    return {"plans": plans, "services": services}


def sync_network(subscriber: Subscriber, now: datetime) -> None:
    get_network().sync(
        msisdn=subscriber.msisdn,
        state=expected_network_state(subscriber=subscriber, at=now),
        request_id=f"test-sync:{subscriber.msisdn}:{now.isoformat()}",
    )


@pytest.fixture
def make_subscriber(catalogue: dict[str, Any]) -> Any:
    def make(kopecks: int = 5000, plan: str = "basic", **kwargs: Any) -> Subscriber:
        from django.utils import timezone

        subscriber = subscriber_with_balance(kopecks, plan=catalogue["plans"][plan], **kwargs)
        sync_network(subscriber, timezone.now())
        return subscriber

    return make


@pytest.fixture
def web() -> Actor:
    return Actor(channel="web", label="test")
