"""In Debian's Chromium on a phone: a corporate administrator filters the client's numbers by plan,
opens a number's card and connects a service for it through the same confirmation step as the
subscriber's own page (AUTH-11, issue 9)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from issa.core.phone import format_msisdn
from issa.orders.models import Order
from issa.subscribers.models import Product

from .test_access_browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auth_11_administrator_filters_opens_a_card_and_connects_a_service(
    page: Any, live_server: Any, funded: Any, music: Any, tmp_path: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    signed_in(page.context, funded.admin_user, live_server.url)

    page.goto("/corporate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Корпоративный кабинет")
    page.get_by_label("Тарифный план").select_option(funded.worker.plan.code)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".corporate-number")).to_have_count(1)
    row = page.locator(f"#number-{funded.worker.msisdn}")
    expect(row).to_contain_text("Баланс: 50,00")
    expect(row).to_contain_text("Расходы в этом месяце: 3,45")
    page.screenshot(path=tmp_path / "corporate-list.png", full_page=True)

    row.get_by_role("link", name=format_msisdn(funded.worker.msisdn)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(format_msisdn(funded.worker.msisdn))
    expect(page.get_by_text("Петров Пётр").first).to_be_visible()
    page.get_by_test_id("offer-music").get_by_role("button", name="Подключить").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Ожидает подтверждения")
    page.screenshot(path=tmp_path / "corporate-confirm.png", full_page=True)
    page.get_by_test_id("confirm").click()

    expect(page.get_by_test_id("order-state")).to_have_text("Выполнена")
    order = Order.objects.get(subscriber=funded.worker)
    assert order.state == Order.State.COMPLETED
    assert Product.objects.filter(subscriber=funded.worker, service=music, active_to__isnull=True).exists()
    page.get_by_role("link", name="К номеру").click()
    expect(page.get_by_test_id("connected-music")).to_be_visible()
    page.screenshot(path=tmp_path / "corporate-card.png", full_page=True)
    assert errors == []
