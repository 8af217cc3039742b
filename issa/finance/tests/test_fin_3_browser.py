"""In Debian's Chromium: log in, open «Финансовая информация», register a promised payment through
the wizard («Далее» → amount → «Подтвердить»), then see it in the list and in the balance (FIN-3)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from issa.billing.models import LedgerEntry
from issa.identity.models import User
from issa.testing.factories import subscriber_with_balance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kx7mQ2vz"


def test_fin_3_browser_register_and_confirm_a_promised_payment(page: Any) -> None:
    subscriber = subscriber_with_balance(500)
    User.objects.create_user(subscriber.msisdn, PASSWORD, subscriber=subscriber)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/login/")
    page.fill("#id_login", subscriber.msisdn)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")
    page.locator("nav.home-menu").get_by_role("link", name="Финансовая информация").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("История платежей")
    page.get_by_role("link", name="Неподтверждённые платежи").click()
    page.get_by_role("button", name="Зарегистрировать оплату").click()
    page.get_by_role("button", name="Далее").click()  # the intro step
    page.get_by_label("Сумма, руб.").fill("3")
    page.get_by_role("button", name="Далее").click()
    expect(page.get_by_test_id("promised-summary")).to_contain_text("3,00")
    assert not LedgerEntry.objects.filter(kind="promised").exists()  # not before the confirmation
    page.get_by_role("button", name="Подтвердить").click()

    page.wait_for_url("**/finance/promised/")
    row = page.get_by_test_id("promised-list").locator("tbody tr").first
    expect(row).to_contain_text("Действует")
    expect(row).to_contain_text("3,00")
    expect(page.get_by_test_id("balance")).to_have_text("8,00\u00a0руб.")
    assert LedgerEntry.objects.get(kind="promised").amount == 300
    assert not [e for e in errors if "Content Security Policy" in e]
