"""AUTH-11 in the JSON API: the client's numbers with money where the role may see it, and their
services ordered TMF622-style on the client's behalf; the same guard and 404s as the portal."""

from __future__ import annotations

import pytest

from issa.access.services import corporate_role_assign
from issa.identity.models import AuditEvent
from issa.orders.models import Order
from issa.subscribers.models import Product

from .conftest import cabinet_snapshot
from .test_api import bearer

pytestmark = pytest.mark.django_db

NUMBERS = "/api/access/corporate/numbers"


def orders_url(msisdn: str) -> str:
    return f"{NUMBERS}/{msisdn}/productOrder"


def test_auth_11_api_list_with_balance_spending_and_plan_filter(client, funded):
    headers = bearer(funded.admin_user)

    rows = client.get(NUMBERS, {"plan": funded.worker.plan.code}, headers=headers).json()

    assert [row["msisdn"] for row in rows] == [funded.worker.msisdn]
    row = rows[0]
    assert (row["plan_code"], row["account"], row["account_numbers"]) == (
        funded.worker.plan.code,
        funded.worker.account.number,
        4,
    )
    assert (row["balance_kopecks"], row["spent_this_month_kopecks"]) == (5000, 345)


def test_auth_11_api_list_without_finance_has_no_money(client, funded, staff_actor, now):
    corporate_role_assign(
        subscriber=funded.supervisor, role="supervisor", rights=["access"], actor=staff_actor, now=now
    )

    rows = client.get(NUMBERS, headers=bearer(funded.supervisor_user)).json()

    assert len(rows) == 4
    for row in rows:
        assert row["balance_kopecks"] is None
        assert row["spent_this_month_kopecks"] is None
        assert row["account"] is None


def test_auth_11_api_administrator_connects_a_service_for_a_clients_number(
    client, funded, music, django_capture_on_commit_callbacks
):
    headers = bearer(funded.admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            orders_url(funded.worker.msisdn),
            {"action": "connect_service", "params": {"service": "music"}},
            content_type="application/json",
            headers=headers,
        )

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get(subscriber=funded.worker)
    assert body["id"] == str(order.pk)
    assert body["href"] == f"/api/access/corporate/numbers/{funded.worker.msisdn}/productOrder/{order.pk}"
    assert body["productOrderItem"][0]["action"] == "add"
    assert body["relatedParty"][0] == {"role": "customer", "id": str(funded.client.pk), "name": funded.client.name}
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    got = client.get(body["href"], headers=headers).json()
    assert got["state"] == "completed"
    products = client.get(f"{NUMBERS}/{funded.worker.msisdn}/product", headers=headers).json()
    assert [p["productOffering"]["id"] for p in products] == ["music"]
    event = AuditEvent.objects.get(action="order.submitted")
    assert (event.actor, event.subscriber, event.client, event.channel) == (
        funded.admin_user,
        funded.worker,
        funded.client,
        "api",
    )
    assert event.details["on_behalf"]["role"] == "administrator"


def test_auth_11_api_draft_then_confirm(client, funded, music):
    headers = bearer(funded.admin_user)

    draft = client.post(
        orders_url(funded.worker.msisdn),
        {"action": "connect_service", "params": {"service": "music"}, "confirm": False},
        content_type="application/json",
        headers=headers,
    ).json()
    assert draft["state"] == "pending"

    confirmed = client.post(f"{draft['href']}/confirm", headers=headers)

    assert confirmed.status_code == 200
    assert confirmed.json()["issaState"] in ("confirmed", "in_progress", "completed")


def test_auth_11_api_supervisor_without_services_is_refused_and_nothing_changes(
    client, funded, music, staff_actor, now
):
    corporate_role_assign(
        subscriber=funded.supervisor, role="supervisor", rights=["access", "finance"], actor=staff_actor, now=now
    )
    before = cabinet_snapshot()

    response = client.post(
        orders_url(funded.worker.msisdn),
        {"action": "connect_service", "params": {"service": "music"}},
        content_type="application/json",
        headers=bearer(funded.supervisor_user),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "right_missing"
    assert response.json()["message"] == "Ваша роль не позволяет подключать и отключать услуги."
    after = cabinet_snapshot()
    assert (after.orders, after.products, after.pending, after.ledger) == (
        before.orders,
        before.products,
        before.pending,
        before.ledger,
    )
    assert not AuditEvent.objects.filter(action__startswith="order.").exists()


def test_auth_11_api_another_clients_number_is_404_and_nothing_changes(client, funded, music, other_number):
    headers = bearer(funded.admin_user)
    before = cabinet_snapshot()
    m = other_number.msisdn

    assert client.get(f"{NUMBERS}/{m}/product", headers=headers).status_code == 404
    created = client.post(
        orders_url(m),
        {"action": "connect_service", "params": {"service": "music"}},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 404
    assert client.get(f"{orders_url(m)}/1", headers=headers).status_code == 404
    assert client.post(f"{orders_url(m)}/1/confirm", headers=headers).status_code == 404
    assert client.post(f"{NUMBERS}/{m}/close", headers=headers).status_code == 404
    after = cabinet_snapshot()
    assert (after.orders, after.products, after.pending, after.ledger, after.access.blocks) == (
        before.orders,
        before.products,
        before.pending,
        before.ledger,
        before.access.blocks,
    )
    assert not Product.objects.exists()


def test_auth_11_api_plain_subscriber_has_no_corporate_access(client, funded, music):
    headers = bearer(funded.worker_user)
    before = cabinet_snapshot()

    assert client.get(NUMBERS, headers=headers).status_code == 403
    response = client.post(
        orders_url(funded.worker2.msisdn),
        {"action": "connect_service", "params": {"service": "music"}},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    after = cabinet_snapshot()
    assert (after.orders, after.products, after.pending) == (before.orders, before.products, before.pending)
