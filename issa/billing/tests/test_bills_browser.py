"""In Debian's Chromium: the bills page on a phone (BILL-1, BILL-2), the chart without CSP errors,
"Подробно", and the PDF and Excel downloads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.billing.billrun import billrun_run
from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core.clock import OPERATOR_TZ
from issa.testing.factories import UserFactory, subscriber_with_balance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bill_1_bills_page_chart_details_and_downloads(page: Any, live_server: Any, tmp_path: Path) -> None:
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=OPERATOR_TZ), tick=True):
        sub = subscriber_with_balance(5000, now=datetime(2026, 8, 1, tzinfo=OPERATOR_TZ))
        for month in (9, 10, 11):
            ledger_post(
                account=sub.account, amount=-1990, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, reason="fee",
                idempotency_key=f"fee:{month}", now=datetime(2026, month, 1, tzinfo=OPERATOR_TZ),
            )  # fmt: skip
        for month in (9, 10):
            billrun_run(period_key=f"2026-{month:02d}", now=datetime(2026, month + 1, 1, 3, tzinfo=OPERATOR_TZ))
        user = UserFactory(subscriber=sub)
        django_client = Client()
        django_client.force_login(user)
        key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

        page.goto("/bills/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Счета, детализация")
        expect(page.get_by_test_id("current-charges")).to_have_text("19,90\u00a0руб.")
        expect(page.locator("svg.bills-chart rect.seg-fees").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "bills.png"), full_page=True)
        with page.expect_download() as pdf:
            page.get_by_test_id("bill-2026-10").get_by_role("link", name="PDF").click()
        assert pdf.value.suggested_filename.endswith(".pdf")
        with page.expect_download() as xlsx:
            page.get_by_test_id("bill-2026-10").get_by_role("link", name="Excel").click()
        assert xlsx.value.suggested_filename.endswith(".xlsx")
        page.get_by_role("button", name="Подробно").click()
        expect(page.get_by_test_id("charges")).to_have_text("19,90\u00a0руб.")
        assert not [e for e in errors if "Content Security Policy" in e]
