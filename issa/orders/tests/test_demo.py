"""The demo loader: catalogue rules, the simulated network in step with ISSA, demo orders."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from issa.orders.models import Order, SimulatedSim
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.subscribers.models import Subscriber

pytestmark = pytest.mark.django_db


def test_bss_6_demo_network_in_step_and_orders_once(django_capture_on_commit_callbacks: Any) -> None:
    from issa.demo.loaders import run_all

    now = timezone.now()
    for _ in range(2):
        run_all(stdout=io.StringIO(), now=now, only=["catalogue", "subscribers", "orders"])
    subscriber = Subscriber.objects.get(msisdn="375291000001")
    orders = Order.objects.filter(subscriber=subscriber)
    assert orders.filter(state=Order.State.FAILED).count() == 1
    assert orders.filter(state=Order.State.COMPLETED).count() >= 1
    assert SimulatedSim.objects.count() == Subscriber.objects.exclude(status="closed").count()
    for sub in Subscriber.objects.exclude(status="closed").select_related("plan")[:200]:
        assert get_network().state(msisdn=sub.msisdn) == expected_network_state(subscriber=sub, at=now), sub.msisdn
    paused = Subscriber.objects.get(msisdn="375291000002")
    assert get_network().state(msisdn=paused.msisdn)["suspended"] is True
