"""In Debian's Chromium on a phone-sized page: search a number by mask and reserve it (SVC-6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.numbering.models import PoolNumber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_svc_6_browser_search_by_mask_and_reserve(page: Any, live_server: Any, pool: Any, member: Any) -> None:
    django_client = Client()
    django_client.force_login(member.user)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/services/")
    page.get_by_role("link", name="Смена номера").click()
    expect(page).to_have_url(f"{live_server.url}/services/number/")
    page.get_by_label("Маска номера").fill("29%%%%777")
    page.get_by_test_id("search").click()
    rows = page.get_by_test_id("offered-number")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("+375 29 577-77-77")
    expect(rows.first).to_contain_text("Платиновый")
    expect(page).to_have_url(f"{live_server.url}/services/number/?mask=29%25%25%25%25777&category=")  # htmx pushed

    page.get_by_label("Маска номера").fill("29%%x")
    page.get_by_test_id("search").click()
    expect(page.get_by_test_id("mask-error")).to_be_visible()

    page.get_by_label("Маска номера").fill("%%%%888")
    page.get_by_label("Категория номера").select_option("gold")
    page.get_by_test_id("search").click()
    expect(page.get_by_test_id("offered-number")).to_have_count(1)
    page.get_by_test_id("offered-number").first.get_by_role("button", name="Выбрать").click()
    expect(page.get_by_test_id("reserved-number")).to_have_text("+375 29 512-88-88")
    row = PoolNumber.objects.get(msisdn="375295128888")
    assert row.state == PoolNumber.State.RESERVED
    assert row.holder_id == member.pk

    page.get_by_test_id("order-change").click()
    expect(page.get_by_test_id("confirm")).to_be_visible()
    page.get_by_test_id("confirm").click()
    expect(page.locator("[data-state='completed']")).to_be_visible()
    member.refresh_from_db()
    assert member.msisdn == "375295128888"
    assert not [e for e in errors if "Content Security Policy" in e]
