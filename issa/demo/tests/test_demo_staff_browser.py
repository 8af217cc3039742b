"""In Debian's Chromium: the demo is usable without a phone — read a demo staff login's current
code on /phone/staff/ and log in to the back office with it (issue 9, ADR 0009)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from issa.demo.loaders import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auth_12_demo_staff_log_in_with_the_code_shown_on_the_demo_page(
    page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.ISSA_ENV = "development"
    staff.load(stdout=StringIO(), now=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    page.goto("/phone/staff/")
    row = page.get_by_test_id("staff-code-finance")
    expect(row).to_be_visible()
    page.screenshot(path=str(tmp_path / "staff-codes.png"), full_page=True)

    page.goto("/staff/login/")
    page.locator("#id_username").fill("finance")
    page.locator("#id_password").fill(staff.STAFF_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#id_otp_token")).to_be_visible()
    codes = page.context.new_page()
    codes.goto("/phone/staff/")
    code = codes.get_by_test_id("staff-code-finance").get_by_test_id("code").inner_text()
    codes.close()
    page.locator("#id_otp_token").fill(code)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/staff/finance/refundrequest/")
    expect(page.locator("#changelist")).to_be_visible()
