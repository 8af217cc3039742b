"""Staff log in to /staff/ with a password and then a TOTP code (issue 9, AUTH-12/AUTH-13): a
first login enrols the device (QR code and key), wrong codes are throttled and audited, nothing
of /staff/ opens without a verified session, no code or key is written to the logs or the audit."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.backoffice.login import PENDING_KEY
from issa.backoffice.services import secret_base32
from issa.identity.models import AuditEvent, User
from issa.testing.staff import staff_device, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/staff/login/"
PASSWORD = "Staff-pass-2026!"


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_user("opr1", PASSWORD, kind=User.Kind.STAFF, is_staff=True, is_superuser=True)


def password_step(client: Client, login: str = "opr1", password: str = PASSWORD, next_url: str = "/staff/") -> Any:
    return client.post(f"{LOGIN}?next={next_url}", {"username": login, "password": password, "next": next_url})


def test_auth_12_staff_log_in_with_password_then_the_totp_code(client: Client, staff: User) -> None:
    device = staff_device(staff)
    assert client.get("/staff/")["Location"].startswith(LOGIN)

    response = password_step(client, next_url="/staff/identity/auditevent/")
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302  # the password alone opens nothing
    page = client.get(response["Location"]).content.decode()
    assert 'name="otp_token"' in page
    assert 'name="password"' not in page

    response = client.post(LOGIN, {"otp_token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/identity/auditevent/"
    assert client.get("/staff/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session
    event = AuditEvent.objects.get(action="staff.login")
    assert (event.actor, event.channel, event.outcome) == (staff, "admin", "ok")


def test_auth_12_a_used_code_is_not_accepted_twice(client: Client, staff: User) -> None:
    device = staff_device(staff)
    code = totp_code(device)
    password_step(client)
    assert client.post(LOGIN, {"otp_token": code}).status_code == 302
    other = Client()
    password_step(other)
    response = other.post(LOGIN, {"otp_token": code})
    assert response.status_code == 200
    assert other.get("/staff/").status_code == 302


def test_auth_12_first_login_enrols_a_totp_device_with_a_qr_code(client: Client, staff: User) -> None:
    password_step(client)
    page = client.get(LOGIN)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    assert "<svg" in html
    assert 'class="totp-qr"' in html
    assert secret_base32(device) in html
    assert "no-store" in page["Cache-Control"]
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # strict CSP: no inline style
    assert client.get(LOGIN).content.decode().count(secret_base32(device)) == 1  # the same key again
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    response = client.post(LOGIN, {"otp_token": totp_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "staff.totp_enrolled",
        "staff.login",
    ]
    assert client.get("/staff/").status_code == 200


def test_auth_12_wrong_codes_are_throttled_and_audited_and_nothing_opens(client: Client, staff: User) -> None:
    device = staff_device(staff)
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        password_step(client)
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        response = client.post(LOGIN, {"otp_token": wrong})
        assert response.status_code == 200
        assert "Wrong code" in response.content.decode() or "Неверный код" in response.content.decode()
        # right away even the right code is not checked: 1 failure -> 1 s delay, then 2, 4, 8…
        refused = client.post(LOGIN, {"otp_token": totp_code(device)})
        assert refused.status_code == 200
        assert client.get("/staff/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    failures = AuditEvent.objects.filter(action="staff.login_failed").order_by("pk")
    assert [(e.outcome, e.details.get("step"), e.details.get("throttled", False)) for e in failures] == [
        ("denied", "totp", False),
        ("denied", "totp", True),
    ]
    assert not AuditEvent.objects.filter(action="staff.login").exists()
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        assert client.post(LOGIN, {"otp_token": totp_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_auth_12_wrong_password_is_audited_and_never_reaches_the_code(client: Client, staff: User) -> None:
    response = password_step(client, password="wrong-one")
    assert response.status_code == 200
    assert PENDING_KEY not in client.session
    event = AuditEvent.objects.get(action="staff.login_failed")
    assert (event.outcome, event.details, event.actor_label) == ("denied", {"step": "password"}, "staff login opr1")
    assert "wrong-one" not in str(event.details)
    assert not TOTPDevice.objects.exists()


def test_auth_12_a_subscriber_cannot_pass_the_password_step(client: Client) -> None:
    from issa.testing.factories import SubscriberFactory, UserFactory

    user = UserFactory.create(subscriber=SubscriberFactory.create(), password="demo1234")
    response = password_step(client, login=user.login, password="demo1234")
    assert response.status_code == 200
    assert PENDING_KEY not in client.session
    assert not TOTPDevice.objects.exists()


def test_auth_12_a_logged_in_but_unverified_session_opens_nothing_of_staff(client: Client, staff: User) -> None:
    client.force_login(staff)  # e.g. a session logged in some other way, without the second factor
    for url in ("/staff/", "/staff/identity/user/", "/staff/access/subscriberaccess/", "/staff/jsi18n/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN)


def test_auth_12_the_pending_password_step_expires(client: Client, staff: User) -> None:
    staff_device(staff)
    password_step(client)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": time.time() - 301}
    session.save()
    assert 'name="password"' in client.get(LOGIN).content.decode()


def test_auth_12_next_leads_only_inside_the_site(client: Client, staff: User) -> None:
    device = staff_device(staff)
    password_step(client, next_url="https://evil.example/")
    response = client.post(LOGIN, {"otp_token": totp_code(device)})
    assert response["Location"] == "/staff/"


def test_auth_12_no_code_or_key_in_logs_or_audit(client: Client, staff: User, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    password_step(client)
    client.get(LOGIN)
    device = TOTPDevice.objects.get(user=staff)
    code = totp_code(device)
    client.post(LOGIN, {"otp_token": "000000" if code != "000000" else "111111"})
    device.throttle_reset()
    client.post(LOGIN, {"otp_token": code})
    secrets = (code, device.key, secret_base32(device).replace(" ", ""), PASSWORD)
    logged = caplog.text
    audited = " ".join(str(e.details) for e in AuditEvent.objects.all())
    for secret in secrets:
        assert secret not in logged
        assert secret not in audited


def test_auth_12_login_pages_keep_the_strict_csp(
    client: Client, staff: User, django_assert_max_num_queries: Any
) -> None:
    page = client.get(LOGIN)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    password_step(client)
    with django_assert_max_num_queries(12):
        page = client.get(LOGIN)
    html = page.content.decode()
    assert "<script>" not in html
    assert ' style="' not in html


def test_auth_12_the_admin_never_shows_a_device_key_again(client: Client, staff: User) -> None:
    from issa.testing.staff import staff_login

    device = staff_login(client, staff)
    page = client.get(f"/staff/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert secret_base32(device).replace(" ", "") not in page.content.decode()


def test_auth_12_wrong_passwords_lock_the_staff_login_before_any_hashing(client: Client, staff: User) -> None:
    for _ in range(5):
        password_step(client, password="wrong-one")
    response = password_step(client)  # the right password, but the login is locked for a minute
    assert response.status_code == 200
    assert PENDING_KEY not in client.session
    assert AuditEvent.objects.filter(action="staff.login_failed").count() == 5
    assert "errornote" in response.content.decode()
