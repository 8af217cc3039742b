"""AUTH-14 in Debian's Chromium: the subscriber signs in to the demo partner "Мелофон" with ISSA."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from issa.core.phone import format_msisdn
from issa.sso.services import melofon_register
from issa.testing.factories import UserFactory, subscriber_with_balance


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auth_14_browser_sign_in_to_melofon_with_consent(page: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    melofon_register(now=timezone.now(), extra_redirect_uris=[f"{live_server.url}/melofon/callback"])
    user: Any = UserFactory(subscriber=subscriber_with_balance(), full_name="Козлова Мария Игоревна")
    portal = Client()
    portal.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": portal.cookies["sessionid"].value, "url": live_server.url}]
    )
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    page.goto("/melofon/")
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_role("button", name="Войти через ISSA").click()

    expect(page.get_by_role("heading", name=re.compile("«Мелофон» просит"))).to_be_visible()
    expect(page.get_by_text("ваш номер телефона")).to_be_visible()
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_role("button", name="Разрешить").click()

    expect(
        page.get_by_role("heading", name=f"Вы вошли в Мелофон как {format_msisdn(user.subscriber.msisdn)}")
    ).to_be_visible()
    expect(page.get_by_text("Козлова Мария Игоревна")).to_be_visible()

    # The consent is listed in the portal and can be withdrawn there.
    page.goto("/partners/")
    expect(page.get_by_role("heading", name="Мелофон")).to_be_visible()
    page.get_by_role("button", name="Отозвать доступ «Мелофон»").click()
    expect(page.get_by_text("Доступ отозван")).to_be_visible()

    page.goto("/melofon/")
    page.get_by_role("button", name="Проверить вход в ИССА").click()
    expect(page.get_by_text("ИССА больше не подтверждает ваш вход")).to_be_visible()
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auth_14_browser_the_issa_password_is_typed_only_into_issa(page: Any, live_server: Any) -> None:
    """Anonymous on Мелофон: "Войти через ISSA" leads to ISSA's own login page; the password typed
    there never travels to the partner's pages."""
    from playwright.sync_api import expect

    melofon_register(now=timezone.now(), extra_redirect_uris=[f"{live_server.url}/melofon/callback"])
    password = "melo5fon"
    user: Any = UserFactory(subscriber=subscriber_with_balance(), password=password)
    to_partner: list[str] = []

    def watch(request: Any) -> None:
        if "/melofon/" in request.url:
            to_partner.append(request.url + " " + (request.post_data or ""))

    page.on("request", watch)

    page.goto("/melofon/")
    page.get_by_role("button", name="Войти через ISSA").click()
    expect(page).to_have_url(re.compile(r"/login/\?next=/o/authorize/"))
    page.locator("#id_login").fill(user.subscriber.msisdn)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.get_by_role("button", name="Разрешить").click()

    expect(page.get_by_role("heading", name=re.compile("^Вы вошли в Мелофон как \\+375"))).to_be_visible()
    assert to_partner  # the partner's pages were visited ...
    assert not [r for r in to_partner if password in r]  # ... without the password
