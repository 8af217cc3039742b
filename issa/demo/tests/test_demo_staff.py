"""The demo's staff (issue 9): one login per back-office role with a TOTP device of a published
key, and their current codes on /phone/staff/ in development only, never in production."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.backoffice.roles import ROLE_BY_KEY
from issa.demo.loaders import staff
from issa.identity.models import User
from issa.testing.staff import totp_code

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CODES = "/phone/staff/"


@pytest.fixture
def loaded(db: Any) -> None:
    User.objects.create_superuser("admin", "admin12345")
    staff.load(stdout=StringIO(), now=NOW)


def test_auth_12_demo_staff_one_login_per_role_with_devices_idempotent(loaded: None) -> None:
    for person in staff.DEMO_STAFF:
        user = User.objects.get(login=person.login)
        assert (user.kind, user.is_staff, user.is_superuser) == ("staff", True, False)
        assert list(user.groups.values_list("name", flat=True)) == [ROLE_BY_KEY[person.role].name]
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert sorted(devices.values_list("user__login", flat=True)) == sorted(staff.ALL_LOGINS)
    assert all(d.key == staff.demo_key(d.user.login) for d in devices.select_related("user"))
    before = (User.objects.count(), TOTPDevice.objects.count())
    out = StringIO()
    staff.load(stdout=out, now=NOW)
    assert (User.objects.count(), TOTPDevice.objects.count()) == before
    assert "created 0 staff logins and 0 TOTP devices" in out.getvalue()


def test_auth_12_demo_page_shows_the_current_codes_in_development(
    loaded: None, client: Client, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.ISSA_ENV = "development"
    with django_assert_max_num_queries(8):
        page = client.get(CODES)
    assert page.status_code == 200
    html = page.content.decode()
    for device in TOTPDevice.objects.select_related("user"):
        assert f'data-testid="staff-code-{device.user.login}"' in html
    assert staff.STAFF_PASSWORD in html
    assert 'data-testid="staff-codes-link"' in client.get("/phone/").content.decode()


def test_auth_12_demo_codes_log_staff_in_with_their_role_only(loaded: None, client: Client, settings: Any) -> None:
    settings.ISSA_ENV = "development"
    client.post("/staff/login/", {"username": "cc411", "password": staff.STAFF_PASSWORD})
    device = TOTPDevice.objects.get(user__login="cc411")
    assert client.post("/staff/login/", {"otp_token": totp_code(device)}).status_code == 302
    assert client.get("/staff/access/subscriberaccess/").status_code == 200
    assert client.get("/staff/finance/refundrequest/").status_code == 403


def test_auth_12_a_device_with_a_personal_key_is_never_shown(loaded: None, client: Client, settings: Any) -> None:
    settings.ISSA_ENV = "development"
    TOTPDevice.objects.filter(user__login="finance").update(key="ab" * 20)
    html = client.get(CODES).content.decode()
    assert 'data-testid="staff-code-finance"' not in html
    assert 'data-testid="staff-code-cc411"' in html


@pytest.mark.parametrize(("env", "phone"), [("production", True), ("test", True), ("development", False)])
def test_auth_12_demo_codes_never_outside_development(
    loaded: None, client: Client, settings: Any, env: str, phone: bool
) -> None:
    settings.ISSA_ENV = env
    settings.ISSA_VIRTUAL_PHONE = phone
    assert client.get(CODES).status_code == 404
    if phone:
        assert 'data-testid="staff-codes-link"' not in client.get("/phone/").content.decode()


def test_auth_12_production_settings_never_serve_the_demo_codes(tmp_path: Any) -> None:
    from issa.core.tests.test_settings_deploy import manage, random_key

    script = (
        "from django.urls import resolve, Resolver404; from issa.demo.views_staff import codes_enabled\n"
        "try:\n    resolve('/phone/staff/'); served = True\nexcept Resolver404:\n    served = False\n"
        "print(codes_enabled(), served)"
    )
    result = manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        script,
        ISSA_ENV="production",
        SECRET_KEY=random_key(),
        ALLOWED_HOSTS="x.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
