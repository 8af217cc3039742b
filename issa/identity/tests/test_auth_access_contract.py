"""The contract with the access app (AUTH-10..12): a closed number cannot register, log in,
use an API token or set a password by USSD — on every channel, with the access app's message."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse

from issa.access.services import access_close_by_subscriber, access_report_lost_sim
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.services import Method, login_check, registration_start, token_create

from .conftest import PASSWORD


def _close(subscriber, now):
    access_close_by_subscriber(subscriber=subscriber, actor=Actor(channel="ussd", label="test"), now=now)


def test_auth_10_closed_access_refuses_login_on_every_channel(client, registered, web, now):
    _token, raw = token_create(user=registered, name="phone", actor=web, now=now)
    _close(registered.subscriber, now)
    with pytest.raises(DomainError) as refused:
        login_check(login=registered.login, password=PASSWORD, actor=web, now=now)
    assert refused.value.code.startswith("access_closed")
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    assert response.status_code == 403
    assert client.get(reverse("portal:home")).status_code == 302
    api = client.post(
        "/api/auth/login", {"login": registered.login, "password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 403
    assert api.json()["code"].startswith("access_closed")
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 403  # the existing token stops working at once


def test_auth_12_lost_sim_refuses_registration_and_ussd_password(client, subscriber, web, now):
    access_report_lost_sim(subscriber=subscriber, note="lost", actor=Actor(channel="admin", label="411"), now=now)
    with pytest.raises(DomainError) as refused:
        registration_start(msisdn=subscriber.msisdn, method=Method.SMS, actor=web, now=now)
    assert refused.value.code.startswith("access_closed")
    reply = client.post(
        "/ussd/gateway",
        data=json.dumps({"session_id": "x", "msisdn": subscriber.msisdn, "text": "*141*0#"}),
        content_type="application/json",
        headers={"X-Ussd-Token": settings.ISSA_USSD_TOKEN},
    ).json()
    assert reply["end"]
    assert not User.objects.exists()
