"""In Debian's Chromium (BILL-3): from the bills page to the call detail, the M-code read on the
virtual phone, the table with its totals, and the PDF and Excel downloads."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.core.clock import OPERATOR_TZ
from issa.testing.factories import SubscriberFactory, UserFactory
from issa.usage.storage import ensure_partitions
from issa.usage.tests.test_detail import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bill_3_browser_m_code_from_virtual_phone_table_and_downloads(page: Any, live_server: Any) -> None:
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=OPERATOR_TZ), tick=True):
        ensure_partitions(["2026-11"])
        sub = SubscriberFactory()
        record(sub, datetime(2026, 11, 5, 10, tzinfo=OPERATOR_TZ), duration=125, quantity=125, charge=42)
        record(sub, datetime(2026, 11, 6, 11, tzinfo=OPERATOR_TZ), duration=62, quantity=62, charge=13)
        django_client = Client()
        django_client.force_login(UserFactory(subscriber=sub))
        key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])

        page.goto("/bills/")
        page.get_by_test_id("detail-links").get_by_role("link", name="Детализация звонков и SMS").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Детализация звонков и SMS")
        page.get_by_role("button", name="Далее").click()
        expect(page.get_by_label("M-код")).to_be_visible()

        phone = page.context.new_page()
        phone.goto(f"{live_server.url}/phone/?msisdn={sub.msisdn}")
        body = phone.locator(".vphone__sms-body").first
        body.wait_for()
        match = re.search(r"#(\d{6})", body.inner_text())
        assert match, body.inner_text()
        phone.close()

        page.get_by_label("M-код").fill(match.group(1))
        page.get_by_role("button", name="Далее").click()
        expect(page.get_by_test_id("total-count")).to_have_text("2")
        expect(page.get_by_test_id("total-charge")).to_have_text("0,55\u00a0руб.")
        with page.expect_download() as pdf:
            page.get_by_role("link", name="PDF").click()
        assert pdf.value.suggested_filename.endswith(".pdf")
        with page.expect_download() as xlsx:
            page.get_by_role("link", name="Excel").click()
        assert xlsx.value.suggested_filename.endswith(".xlsx")
