"""/api/orders: TMF622 orders and TMF637 inventory with a bearer token (SVC-2, SVC-3, BSS-6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from issa.identity.actor import Actor
from issa.identity.services import token_create
from issa.orders.models import Order
from issa.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(make_subscriber: Any) -> tuple[Any, str]:
    subscriber = make_subscriber(5000)
    user = UserFactory.create(subscriber=subscriber)
    _token, raw = token_create(user=user, name="app", actor=Actor(channel="api"), now=timezone.now())
    return subscriber, f"Bearer {raw}"


def test_bss_6_api_order_completes_and_shows_in_inventory(client: Any, token: Any) -> None:
    _subscriber, auth = token
    assert client.get("/api/orders/productOrder").status_code == 401
    response = client.post(
        "/api/orders/productOrder",
        {"action": "connect_service", "params": {"service": "music"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 201, response.content
    order_id = response.json()["id"]
    body = client.get(f"/api/orders/productOrder/{order_id}", HTTP_AUTHORIZATION=auth).json()
    assert body["state"] == "completed"
    assert body["productOrderItem"][0]["action"] == "add"
    assert [n["state"] for n in body["note"]] == ["draft", "confirmed", "in_progress", "completed"]
    inventory = client.get("/api/orders/product", HTTP_AUTHORIZATION=auth).json()
    assert [p["productOffering"]["id"] for p in inventory] == ["basic", "music"]
    listed = client.get("/api/orders/productOrder", HTTP_AUTHORIZATION=auth).json()
    assert [o["id"] for o in listed] == [order_id]


def test_svc_2_api_refusal_is_a_clear_error_and_changes_nothing(client: Any, token: Any) -> None:
    subscriber, auth = token
    response = client.post(
        "/api/orders/productOrder",
        {"action": "connect_service", "params": {"service": "music-hd"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "service_requires"
    assert not Order.objects.filter(subscriber=subscriber).exists()


def test_bss_6_api_draft_confirm_and_foreign_order_404(client: Any, token: Any, make_subscriber: Any) -> None:
    _subscriber, auth = token
    response = client.post(
        "/api/orders/productOrder",
        {"action": "change_plan", "params": {"plan": "smart"}, "confirm": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.json()["state"] == "pending"
    order_id = response.json()["id"]
    confirmed = client.post(f"/api/orders/productOrder/{order_id}/confirm", HTTP_AUTHORIZATION=auth).json()
    assert confirmed["state"] == "acknowledged"  # a plan change waits for midnight
    other = make_subscriber(5000)
    from issa.orders.services import order_submit

    foreign = order_submit(
        subscriber=other, action="change_plan", params={"plan": "smart"}, actor=Actor.system("t"), now=timezone.now()
    )
    assert client.get(f"/api/orders/productOrder/{foreign.pk}", HTTP_AUTHORIZATION=auth).status_code == 404
    assert client.post(f"/api/orders/productOrder/{foreign.pk}/cancel", HTTP_AUTHORIZATION=auth).status_code == 404
    cancelled = client.post(f"/api/orders/productOrder/{order_id}/cancel", HTTP_AUTHORIZATION=auth).json()
    assert cancelled["state"] == "cancelled"
