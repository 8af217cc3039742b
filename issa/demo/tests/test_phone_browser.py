"""In Debian's Chromium: the start page, then *100# dialled on the virtual phone (issue 3's proof)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from issa.demo.tests.test_phone import EchoMenu
from issa.notifications.services import sms_send
from issa.testing.factories import subscriber_with_balance
from issa.ussd.registry import MENUS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_page_then_balance_on_the_virtual_phone(page: Any) -> None:
    subscriber = subscriber_with_balance(1234)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Личный кабинет абонента")
    expect(page.get_by_role("button", name="Войти в аккаунт")).to_be_visible()
    try:
        reverse("portal:register")
    except NoReverseMatch:
        pass
    else:
        expect(page.get_by_role("button", name="Зарегистрироваться")).to_be_visible()
    expect(page.get_by_label("Пользователь мобильной связи")).to_be_checked()
    expect(page.get_by_label("Пользователь для дома и офиса")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("411")

    page.get_by_role("link", name="Виртуальный телефон (демо)").click()
    page.wait_for_load_state()  # issa.js (deferred) makes the picker submit itself
    expect(page.get_by_role("heading", level=1)).to_have_text("Виртуальный телефон")
    page.get_by_label("Демо-номер").select_option(subscriber.msisdn)  # submits itself (issa.js)
    expect(page).to_have_url(re.compile(rf"\?msisdn={subscriber.msisdn}$"))

    for key in "*100#":
        page.locator(f'.vphone__keypad [data-key="{key}"]').click()
    expect(page.get_by_label("USSD-запрос")).to_have_value("*100#")
    page.get_by_role("button", name="Вызов").click()
    expect(page.locator("#ussd-reply")).to_have_text(re.compile(r"Баланс: 12,34\s+руб\."))
    expect(page.get_by_text("Сеанс завершён.")).to_be_visible()


def test_a_ussd_dialogue_is_answered_with_reply(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MENUS, EchoMenu.code, EchoMenu)  # the live server runs in this process
    subscriber = subscriber_with_balance(0)
    page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    page.get_by_label("USSD-запрос").fill("*999#")
    page.get_by_role("button", name="Вызов").click()
    expect(page.locator("#ussd-reply")).to_have_text("Введите слово")
    answer = page.get_by_label("Ваш ответ")
    expect(answer).to_be_focused()
    answer.fill("пароль1")
    page.get_by_role("button", name="Ответить").click()
    expect(page.locator("#ussd-reply")).to_have_text("Вы ввели: пароль1")
    expect(page.get_by_label("Ваш ответ")).to_have_count(0)
    expect(page.locator(".vphone__ussd-request")).to_have_count(0)  # an answer is never echoed


def test_inbox_shows_a_new_sms_without_reloading(page: Any) -> None:
    subscriber = subscriber_with_balance(0)
    page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    expect(page.get_by_text("Сообщений пока нет.")).to_be_visible()
    sms_send(msisdn=subscriber.msisdn, text="Ваш код: 271828", kind="otp", now=timezone.now(), sensitive=True)
    expect(page.locator(".vphone__sms-body").first).to_have_text("Ваш код: 271828")  # htmx polls every 2 s


def test_search_field_accepts_any_format_and_reports_bad_numbers(page: Any) -> None:
    subscriber = subscriber_with_balance(0)
    page.goto("/phone/")
    field = page.get_by_label("Или введите любой номер")
    field.fill("12345")
    page.get_by_role("button", name="Открыть").click()
    expect(page.get_by_role("alert")).to_contain_text("Введите номер мобильного телефона Беларуси")
    field = page.get_by_label("Или введите любой номер")
    field.fill("8 0" + subscriber.msisdn[3:])
    page.get_by_role("button", name="Открыть").click()
    expect(page).to_have_url(re.compile(r"\?msisdn="))
    expect(page.locator(".vphone__number")).to_have_text(
        f"+375 {subscriber.msisdn[3:5]} {subscriber.msisdn[5:8]}-{subscriber.msisdn[8:10]}-{subscriber.msisdn[10:]}"
    )


def test_language_switch_shows_english(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Язык").select_option("en")  # submits itself (issa.js)
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal account of the subscriber")
    expect(page.get_by_role("button", name="Log in to account")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_domain_error_answer_is_swapped_into_the_screen(page: Any) -> None:
    """The htmx-config of base.html swaps 4xx answers: the DomainError partial is shown in place."""
    subscriber = subscriber_with_balance(0)
    page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    page.locator('.vphone__dialer input[name="msisdn"]').evaluate("field => { field.value = 'not a number'; }")
    page.get_by_label("USSD-запрос").fill("*100#")
    page.get_by_role("button", name="Вызов").click()
    alert = page.locator("#ussd-screen [role=alert]")
    expect(alert).to_contain_text("Проверьте введённые данные")
    expect(alert).to_contain_text("Введите номер мобильного телефона Беларуси")


def test_home_and_office_user_is_led_to_the_matching_login(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Пользователь для дома и офиса").check()
    page.get_by_role("button", name="Войти в аккаунт").click()
    try:
        expected = re.escape(reverse("portal:home_login")) + "$"
    except NoReverseMatch:
        expected = re.escape(reverse("portal:login") + "?kind=home") + "$"
    expect(page).to_have_url(re.compile(expected))
