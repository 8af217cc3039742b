"""/api/numbers (SVC-6, SVC-11, SVC-12) with a bearer token, and a change of number through
/api/orders."""

from __future__ import annotations

import pytest
from django.utils import timezone

from issa.identity.actor import Actor
from issa.identity.services import token_create
from issa.numbering.models import PoolNumber
from issa.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(pool, member, client):
    _token, raw = token_create(user=member.user, name="test", actor=Actor(channel="api"), now=timezone.now())
    headers = {"Authorization": f"Bearer {raw}"}

    class Api:
        def get(self, path, **params):
            return client.get(f"/api/numbers{path}", params, headers=headers)

        def post(self, path, body):
            return client.post(path, body, content_type="application/json", headers=headers)

        def delete(self, path):
            return client.delete(f"/api/numbers{path}", headers=headers)

    return Api()


def test_svc_6_api_categories_search_reserve_and_change(api, member):
    cats = api.get("/categories").json()
    assert cats[0] == {"code": "platinum", "name": "Платиновый", "price_kopecks": 49900}
    found = api.get("", mask="%%%%777").json()
    assert found["total"] == 2
    assert [n["msisdn"] for n in found["items"]] == ["375295777777", "375442981777"]
    assert api.get("", category="gold", limit=1).json()["items"][0]["category"] == "gold"
    bad = api.get("", mask="29%'--")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_number_mask"
    assert api.get("/reservation").status_code == 404

    reserved = api.post("/api/numbers/reservation", {"msisdn": "+375 29 512-88-88"})
    assert reserved.status_code == 200, reserved.content
    assert reserved.json()["msisdn"] == "375295128888"
    assert api.get("/reservation").json()["price_kopecks"] == 14900

    order = api.post("/api/orders/productOrder", {"action": "change_number", "params": {"msisdn": "375295128888"}})
    assert order.status_code in (200, 201), order.content
    assert Order.objects.get(subscriber=member).state == Order.State.COMPLETED
    member.refresh_from_db()
    assert member.msisdn == "375295128888"


def test_svc_6_api_release_and_refusals(api, member):
    api.post("/api/numbers/reservation", {"msisdn": "375295128888"})
    assert api.delete("/reservation/375295128888").status_code == 204
    assert PoolNumber.objects.get(msisdn="375295128888").state == PoolNumber.State.FREE
    assert api.delete("/reservation/375295128888").status_code == 409
    missing = api.post("/api/numbers/reservation", {"msisdn": "375299999999"})
    assert missing.status_code == 404


def test_svc_11_svc_12_api_state(api):
    assert api.get("/forwarding").json() == {"conditions": {}}
    assert api.get("/voicemail").json() == {"connected": False, "email": ""}


def test_api_needs_authentication(client, pool):
    assert client.get("/api/numbers/categories").status_code == 401
