"""/api/access: my access (AUTH-10) and the corporate numbers (AUTH-11), with bearer tokens of the
operator's mobile app and with the portal's session."""

from __future__ import annotations

import pytest
from django.test import Client

from issa.access.selectors import access_denial
from issa.core import clock
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.identity.services import token_create

from .conftest import make_user, snapshot

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = token_create(user=user, name="app", actor=Actor(channel="api"), now=clock.now())
    return {"Authorization": f"Bearer {raw}"}


def test_auth_10_api_state_and_close_my_access_with_a_token(client, subscriber):
    headers = bearer(make_user(subscriber))

    state = client.get("/api/access/me", headers=headers)
    assert state.status_code == 200
    assert state.json() == {
        "msisdn": subscriber.msisdn,
        "open": True,
        "reasons": [],
        "closed_since": None,
        "message": "",
    }

    closed = client.post("/api/access/me/close", headers=headers)

    assert closed.status_code == 200
    assert closed.json()["open"] is False
    assert "*141*3*6#" in closed.json()["message"]
    assert access_denial(subscriber=subscriber).code == "access_closed_subscriber"  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="access.closed", channel="api").count() == 1
    # The token stops working at once: closed on every channel.
    again = client.get("/api/access/me", headers=headers)
    assert again.status_code == 403
    assert again.json()["code"] == "access_closed_subscriber"


def test_auth_10_api_needs_authentication(client):
    before = snapshot()
    assert client.get("/api/access/me").status_code == 401
    assert client.post("/api/access/me/close").status_code == 401
    assert client.post("/api/access/me/close", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert snapshot() == before


def test_auth_10_api_session_needs_csrf_for_changes(subscriber):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user(subscriber))
    before = snapshot()
    assert browser.post("/api/access/me/close").status_code in (401, 403)
    assert snapshot() == before


def test_auth_11_api_lists_the_clients_numbers_and_closes_one(client, corp, other_number):
    headers = bearer(corp.supervisor_user)
    role = client.get("/api/access/corporate", headers=headers).json()
    assert role == {
        "role": "supervisor",
        "role_name": "Супервайзер Личного кабинета",
        "client": 'ООО "Ромашка"',
        "rights": ["access"],
    }

    numbers = client.get("/api/access/corporate/numbers", headers=headers).json()
    assert {n["msisdn"] for n in numbers} == {
        corp.admin.msisdn,
        corp.supervisor.msisdn,
        corp.worker.msisdn,
        corp.worker2.msisdn,
    }
    assert all(n["access_open"] for n in numbers)
    by_number = {n["msisdn"]: n for n in numbers}
    assert by_number[corp.worker.msisdn]["can_close"] is True
    assert by_number[corp.admin.msisdn]["can_close"] is False  # a supervisor cannot touch an administrator
    page = client.get("/api/access/corporate/numbers", {"limit": 2, "offset": 2}, headers=headers).json()
    assert [n["msisdn"] for n in page] == sorted(by_number)[2:4]

    closed = client.post(f"/api/access/corporate/numbers/{corp.worker.msisdn}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.json() == {"msisdn": corp.worker.msisdn, "access_open": False, "reasons": ["corporate"]}
    listed = client.get("/api/access/corporate/numbers", {"access": "closed"}, headers=headers).json()
    assert [(n["msisdn"], n["access_reason"], n["can_open"]) for n in listed] == [
        (corp.worker.msisdn, "corporate", True)
    ]

    opened = client.post(f"/api/access/corporate/numbers/{corp.worker.msisdn}/open", headers=headers)
    assert opened.json()["access_open"] is True


def test_auth_11_api_another_clients_number_is_404(client, corp, other_number):
    headers = bearer(corp.admin_user)
    before = snapshot()
    for url in (
        f"/api/access/corporate/numbers/{other_number.msisdn}/close",
        "/api/access/corporate/numbers/garbage/close",
    ):
        response = client.post(url, headers=headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_auth_11_api_refuses_users_without_a_role_and_supervisor_on_administrator(client, corp):
    before = snapshot()
    worker = bearer(corp.worker_user)
    assert client.get("/api/access/corporate/numbers", headers=worker).status_code == 403
    assert client.post(f"/api/access/corporate/numbers/{corp.worker2.msisdn}/close", headers=worker).status_code == 403
    supervisor = bearer(corp.supervisor_user)
    response = client.post(f"/api/access/corporate/numbers/{corp.admin.msisdn}/close", headers=supervisor)
    assert response.status_code == 403
    assert response.json()["code"] == "administrator_number"
    after = snapshot()
    assert (after.blocks, after.sms, after.roles) == (before.blocks, before.sms, before.roles)
    # only the tokens' own creation was audited in between
    assert set(AuditEvent.objects.order_by("id")[before.audit :].values_list("action", flat=True)) == {
        "auth.token_created"
    }
