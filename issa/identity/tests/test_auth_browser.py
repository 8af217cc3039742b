"""Playwright in Debian's Chromium: register with the code read on the virtual phone and land on
the home page (AUTH-1/2, INFO-1); log in and out (AUTH-6); recover by USSD on the virtual phone
(AUTH-3/7); idle expiry (AUTH-9)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session

from issa.identity.models import User

from .conftest import PASSWORD, make_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_phone(page, msisdn: str) -> str:
    page.goto(f"/phone/?msisdn={msisdn}")
    body = page.locator(".vphone__sms-body").first
    body.wait_for()
    match = re.search(r"#(\d{6})", body.inner_text())
    assert match, body.inner_text()
    return match.group(1)


def test_auth_1_browser_register_with_code_from_virtual_phone(page):
    subscriber = make_subscriber()
    page.goto("/register/")
    page.fill("#id_msisdn", f"+{subscriber.msisdn}")
    page.check("input[name=method][value=sms]")
    page.click("button[type=submit]:has-text('Выслать код')")
    page.wait_for_url("**/register/confirm/")
    assert page.get_attribute("#id_code", "autocomplete") == "one-time-code"
    confirm_url = page.url
    code = _code_from_phone(page, subscriber.msisdn)
    page.goto(confirm_url)
    page.fill("#id_code", code)
    page.fill("#id_password", "Minsk2026")
    page.fill("#id_password2", "Minsk2026")
    page.click("button:has-text('Зарегистрироваться')")
    page.wait_for_url("**/home/")
    assert subscriber.display_name in page.inner_text(".home-who__name")
    assert "Пароль и безопасность" in page.inner_text(".home-menu-described")
    assert User.objects.get(login=subscriber.msisdn).check_password("Minsk2026")


def test_auth_6_browser_login_and_logout(page):
    subscriber = make_subscriber()
    User.objects.create_user(subscriber.msisdn, PASSWORD, subscriber=subscriber)
    page.goto("/login/")
    page.fill("#id_login", subscriber.msisdn)
    page.fill("#id_password", "wrong-one")
    page.click("form button[type=submit]:has-text('Войти')")
    assert "Неверный номер телефона или пароль." in page.inner_text("#form-error")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")
    page.click("button:has-text('Выход')")
    page.wait_for_url("**/login/")
    page.goto("/home/")
    page.wait_for_url("**/login/**")


def test_auth_3_browser_recover_by_ussd_on_virtual_phone(page):
    subscriber = make_subscriber()
    User.objects.create_user(subscriber.msisdn, PASSWORD, subscriber=subscriber)
    page.goto("/password/reset/")
    page.fill("#id_msisdn", subscriber.msisdn)
    page.check("input[name=method][value=ussd]")
    page.click("main form button[type=submit]")
    assert "*141*0#" in page.inner_text("main")
    page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    page.fill("#dial-text", "*141*0#")
    page.click("button.vphone__call")
    page.locator("#answer-text").wait_for()
    assert "5" in page.inner_text("#ussd-reply")
    page.fill("#answer-text", "Novy12345")
    page.click(".vphone__answer button[type=submit]")
    page.locator(".vphone__ussd-end").wait_for()
    page.locator(".vphone__sms-body").first.wait_for()
    assert "ИССА" in page.inner_text(".vphone__inbox")
    page.goto("/login/")
    page.fill("#id_login", subscriber.msisdn)
    page.fill("#id_password", "Novy12345")
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")


def test_auth_9_browser_idle_expiry(page):
    subscriber = make_subscriber()
    User.objects.create_user(subscriber.msisdn, PASSWORD, subscriber=subscriber)
    page.goto("/login/")
    page.fill("#id_login", subscriber.msisdn)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")
    # 15 idle minutes pass: the server-side session expires (the browser keeps its cookie).
    for session in Session.objects.all():
        Session.objects.filter(pk=session.pk).update(expire_date=session.expire_date - timedelta(minutes=16))
    page.goto("/home/")
    page.wait_for_url("**/login/**")
    assert "15 минут бездействия" in page.inner_text("main")
