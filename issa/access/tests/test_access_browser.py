"""In Debian's Chromium: a corporate administrator closes ISSA access of one of the client's numbers,
and that number's open session ends (AUTH-11; the proof issue 9 asks for)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.core.phone import format_msisdn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(context: Any, user: Any, base_url: str) -> None:
    """Give a browser context a session of ``user`` (the login form is the identity app's to test)."""
    django_client = Client()
    django_client.force_login(user)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}])


def test_auth_11_administrator_closes_a_number_and_its_open_session_ends(
    browser: Any, page: Any, live_server: Any, corp: Any
) -> None:
    worker_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU"
    )
    worker = worker_context.new_page()
    signed_in(worker_context, corp.worker_user, live_server.url)
    worker.goto("/home/")
    expect(worker).to_have_url(re.compile(r"/home/$"))

    signed_in(page.context, corp.admin_user, live_server.url)
    page.goto("/home/")
    page.get_by_role("link", name="Корпоративный кабинет").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Корпоративный кабинет")
    row = page.locator(f"#number-{corp.worker.msisdn}")
    expect(row).to_contain_text(format_msisdn(corp.worker.msisdn))
    expect(row).to_contain_text("Открыт")

    row.get_by_role("button", name="Закрыть доступ").click()

    row = page.locator(f"#number-{corp.worker.msisdn}")
    expect(row.get_by_role("button", name="Открыть доступ")).to_be_visible()
    expect(row).to_contain_text("Закрыт")
    expect(row.get_by_role("status")).to_contain_text("в Личный кабинет закрыт")  # htmx swapped the row

    worker.goto("/home/")
    expect(worker).to_have_url(re.compile(r"/login/$"))
    expect(worker.get_by_text("Доступ в Личный кабинет закрыт администратором вашей организации.")).to_be_visible()
    worker_context.close()


def test_auth_10_close_on_the_virtual_phone_ends_the_session_and_puk1_reopens(
    browser: Any, page: Any, live_server: Any, subscriber: Any
) -> None:
    from issa.testing.factories import UserFactory

    user = UserFactory(subscriber=subscriber)
    portal_context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    portal = portal_context.new_page()
    signed_in(portal_context, user, live_server.url)
    portal.goto("/home/")
    expect(portal).to_have_url(re.compile(r"/home/$"))

    page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    page.get_by_label("USSD-запрос").fill("*141*3*6#")
    page.get_by_role("button", name="Вызов").click()
    expect(page.locator("#ussd-reply")).to_contain_text("1 — закрыть доступ")
    page.get_by_label("Ваш ответ").fill("1")
    page.get_by_role("button", name="Ответить").click()
    expect(page.locator("#ussd-reply")).to_have_text(
        "Доступ в Личный кабинет закрыт. Чтобы открыть, наберите *141*3*6#."
    )
    expect(page.locator(".vphone__sms-body").first).to_contain_text("введите код PUK1")  # the SMS notice

    portal.goto("/home/")
    expect(portal).to_have_url(re.compile(r"/login/$"))
    expect(portal.get_by_text("закрыт по вашему запросу")).to_be_visible()

    page.get_by_label("USSD-запрос").fill("*141*3*6*2#")
    page.get_by_role("button", name="Вызов").click()
    expect(page.locator("#ussd-reply")).to_have_text("Введите код PUK1 вашей SIM-карты:")
    page.get_by_label("Ваш ответ").fill("12345678")
    page.get_by_role("button", name="Ответить").click()
    expect(page.locator("#ussd-reply")).to_have_text("Доступ в Личный кабинет открыт.")
    portal_context.close()
