"""HOME-1 in the JSON API: the login names its kind. The mobile app's default ("mobile") never
gets a token for a home-and-office contract; a home user says ``"kind": "home"`` and gets the
same data API as a mobile number (issa/identity/api.py's docstring)."""

from __future__ import annotations

import pytest

from issa.identity.models import ApiToken, AuditEvent

from .conftest import PASSWORD
from .test_home_1_login import home_line, home_user

pytestmark = pytest.mark.django_db


def _login(client, body):
    return client.post("/api/auth/login", body, content_type="application/json")


def test_home_1_api_login_without_kind_refuses_a_home_login_and_changes_nothing(client):
    user = home_user(home_line())
    before = (user.last_login, AuditEvent.objects.filter(action="auth.login").count())

    response = _login(client, {"login": "h1000001", "password": PASSWORD})

    assert response.status_code == 401
    assert response.json()["code"] == "login_invalid"
    assert not ApiToken.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert (user.last_login, AuditEvent.objects.filter(action="auth.login").count()) == before
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.details["reason"] == "kind"


def test_home_1_api_login_with_kind_home_gets_a_token_for_the_same_data(client):
    line = home_line()
    user = home_user(line)

    response = _login(client, {"login": "h1000001", "password": PASSWORD, "kind": "home", "device": "tablet"})

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.filter(user=user, name="tablet").count() == 1
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["login"] == "h1000001"
    assert me.json()["msisdn"] == line.msisdn


def test_home_1_api_login_kind_home_refuses_a_mobile_number(client, registered):
    response = _login(client, {"login": registered.login, "password": PASSWORD, "kind": "home"})

    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=registered).exists()


def test_home_1_api_login_unknown_kind_is_a_validation_error(client, registered):
    response = _login(client, {"login": registered.login, "password": PASSWORD, "kind": "staff"})

    assert response.status_code == 422
    assert not ApiToken.objects.exists()
