"""BILL-3 and STAT-1..4 in the JSON API (/api/usage, TMF635-shaped): the step-up is required
(per session, or per bearer token), a wrong code grants nothing, own data only, exact totals."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.services.tokens import token_create
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory, UserFactory
from issa.usage.models import StatRequest
from issa.usage.tests.test_detail import NOW, code_of, minsk, record
from issa.usage.tests.test_detail import _partitions as _partitions
from issa.usage.tests.test_stats import session

pytestmark = pytest.mark.django_db

Q = {"period": "2026-11", "kind": "calls", "direction": "out"}


@pytest.fixture
def sub() -> Subscriber:
    subscriber: Subscriber = SubscriberFactory()
    record(subscriber, minsk(2026, 11, 5, 10), duration=125, quantity=125, charge=42)
    record(subscriber, minsk(2026, 11, 6, 11), duration=62, quantity=62, charge=13)
    return subscriber


def user_of(sub: Subscriber) -> User:
    return User.objects.filter(subscriber=sub).first() or UserFactory(subscriber=sub)


def post(web: Client, url: str, data: dict[str, str], **extra: Any) -> Any:
    return web.post(url, json.dumps(data), content_type="application/json", **extra)


@time_machine.travel(NOW, tick=False)
def test_bill_3_api_step_up_with_session(sub: Subscriber) -> None:
    web = Client()
    web.force_login(user_of(sub))
    response = web.get("/api/usage", Q)
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required" or "step_up_required" in response.content.decode()
    response = post(web, "/api/usage/stepUp", {})
    assert response.json() == {"method": "smsCode", "granted": False}
    bad = f"{(int(code_of(sub.msisdn)) + 1) % 1_000_000:06d}"
    assert post(web, "/api/usage/stepUp", {"code": bad}).status_code == 400
    assert web.get("/api/usage", Q).status_code == 403
    assert post(web, "/api/usage/stepUp", {"code": code_of(sub.msisdn)}).json()["granted"] is True
    body = web.get("/api/usage", {**Q, "limit": "1"}).json()
    assert len(body["usage"]) == 1
    assert body["totals"]["count"] == 2
    assert body["totals"]["charge_kopecks"] == 55
    assert body["totals"]["charge"] == {"unit": "BYN", "value": "0.55"}
    assert body["next"]
    rest = web.get("/api/usage", {**Q, "after": body["next"]}).json()
    assert len(rest["usage"]) == 1
    assert rest["next"] is None


@time_machine.travel(NOW, tick=False)
def test_bill_3_api_bearer_token_modem_puk1_and_own_data_only(sub: Subscriber) -> None:
    sub.device = Subscriber.Device.MODEM
    sub.save(update_fields=["device"])
    other: Subscriber = SubscriberFactory()
    record(other, minsk(2026, 11, 7, 10), other_party="375259998877")
    _token, raw = token_create(user=user_of(sub), name="t", actor=Actor.system("tests"), now=NOW)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api = Client()
    assert post(api, "/api/usage/stepUp", {}, **auth).json() == {"method": "puk1", "granted": False}
    assert post(api, "/api/usage/stepUp", {"code": "00000000"}, **auth).status_code == 400
    assert api.get("/api/usage", Q, **auth).status_code == 403
    assert post(api, "/api/usage/stepUp", {"code": "12345678"}, **auth).json()["granted"] is True
    body = api.get("/api/usage", Q, **auth).json()
    assert body["totals"]["count"] == 2
    assert "375259998877" not in json.dumps(body)


@time_machine.travel(NOW, tick=False)
def test_stat_4_api_statistics_limit(sub: Subscriber) -> None:
    session(sub, minsk(2026, 11, 15, 10), "vk.com", 10, 20)
    web = Client()
    web.force_login(user_of(sub))
    for i in range(10):
        body = web.get("/api/usage/statistics", {"day": "2026-11-15"}).json()
        assert body["requestsLeftToday"] == 9 - i
        assert body["services"] == [
            {"service": "Other", "domains": ["vk.com"], "incomingBytes": 20, "outgoingBytes": 10, "totalBytes": 30}
        ]
    assert web.get("/api/usage/statistics", {"day": "2026-11-15"}).status_code == 429
    assert StatRequest.objects.count() == 10
