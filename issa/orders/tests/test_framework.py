from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.orders.models import Order
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.orders.services import order_submit


@pytest.mark.django_db(transaction=True)
def test_svc_3_order_accepted_at_once_and_completed_by_the_worker(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    order = order_submit(
        subscriber=subscriber, action="connect_service", params={"service": "music"}, actor=web, now=timezone.now()
    )
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    assert [e.state for e in order.events.all()] == ["draft", "confirmed", "in_progress", "completed"]
    state = get_network().state(msisdn=subscriber.msisdn)
    assert "music" in state["services"]
    subscriber.refresh_from_db()
    assert state == expected_network_state(subscriber=subscriber, at=timezone.now())
    assert LedgerEntry.objects.filter(idempotency_key=f"order:{order.pk}:fee", amount=-100).exists()
