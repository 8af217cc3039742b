"""In Debian's Chromium: a staff member's first login to /staff/ enrols the authenticator (QR
code and key on the page, no inline script or style under the strict CSP) and the next login asks
for the code; both pages look like the admin's own login (issue 9, AUTH-12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from issa.identity.models import AuditEvent, User
from issa.testing.staff import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_password(page: Any) -> None:
    page.goto("/staff/")
    page.locator("#id_username").fill("sales1")
    page.locator("#id_password").fill("Sales-pass-2026")
    page.locator("#login-form [type=submit]").click()


def test_auth_12_first_login_enrols_then_the_code_is_asked(page: Any, tmp_path: Path) -> None:
    User.objects.create_user("sales1", "Sales-pass-2026", kind=User.Kind.STAFF, is_staff=True, is_superuser=True)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/staff/")
    page.screenshot(path=str(tmp_path / "1-password.png"), full_page=True)
    type_password(page)
    expect(page.locator("svg.totp-qr")).to_be_visible()
    expect(page.locator(".totp-secret")).to_be_visible()
    page.screenshot(path=str(tmp_path / "2-enrol.png"), full_page=True)
    device = TOTPDevice.objects.get(user__login="sales1", confirmed=False)
    page.locator("#id_otp_token").fill(totp_code(device))
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()  # the admin's index
    assert page.url.endswith("/staff/")

    page.context.clear_cookies()
    type_password(page)
    expect(page.locator("#id_otp_token")).to_be_visible()
    expect(page.locator("svg.totp-qr")).to_have_count(0)
    page.locator("#id_otp_token").fill("000000" if totp_code(device) != "000000" else "111111")
    page.locator("#login-form [type=submit]").click()
    expect(page.locator(".errornote")).to_be_visible()
    page.screenshot(path=str(tmp_path / "3-code-wrong.png"), full_page=True)
    assert violations == []
    assert AuditEvent.objects.filter(action="staff.login_failed", details__step="totp").count() == 1
