"""In Debian's Chromium: staff find a number from the admin's home page, open the subscriber's one
page, and it lays out at desktop and phone width under the strict CSP (issue 9, AUTH-12)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from issa.access.services import access_restrict_by_operator
from issa.customers.models import Client as Customer
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.support import services as support
from issa.testing.factories import AccountFactory, UserFactory, subscriber_with_balance

from .test_overview import _history, _order, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auth_12_staff_find_a_number_and_read_its_one_page(
    browser: Any, page: Any, live_server: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ISSA_SCREENSHOTS", tmp_path))
    account = AccountFactory.create(number="310004455", client__kind=Customer.Kind.LEGAL, client__name="ООО «Ромашка»")
    subscriber = subscriber_with_balance(
        2550, msisdn="375291112233", account=account, user_name="Жук Дмитрий Николаевич"
    )
    UserFactory.create(subscriber=subscriber)
    staff = User.objects.create_superuser("oper411-browser", "Str0ng-pass!")
    access_restrict_by_operator(
        subscriber=subscriber, note="Жалоба о мошенничестве №17", actor=Actor("admin", user=staff), now=timezone.now()
    )
    _history(subscriber, "Абонентская плата", rows=4)
    _order(subscriber, "Подключение услуги «Роуминг»", "failed")
    support.support_request_create(
        subscriber=subscriber,
        topic="question",
        subject="Не работает интернет",
        text="?",
        actor=Actor.system("test"),
        now=timezone.now() - timedelta(hours=30),
    )
    django_client = Client()
    login(django_client, staff)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    errors: list[str] = []
    desktop = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="ru-RU")
    desktop.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    office = desktop.new_page()
    office.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    office.goto("/staff/")
    office.screenshot(path=str(shots / "admin-index.png"))
    office.get_by_test_id("find-subscriber").get_by_role("searchbox").fill("8 029 111 22 33")
    office.get_by_test_id("find-subscriber").get_by_role("button").click()
    office.get_by_role("link", name="Открыть", exact=True).click()
    expect(office.get_by_test_id("overview-header")).to_contain_text("+375 29 111-22-33")
    expect(office.get_by_test_id("overview-access")).to_contain_text("Жалоба о мошенничестве №17")
    expect(office.get_by_test_id("overview-balance")).to_be_visible()
    expect(office.get_by_test_id("overview-overdue")).to_be_visible()
    office.screenshot(path=str(shots / "overview-desktop.png"), full_page=True)
    desktop.close()

    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"/staff/subscribers/subscriber/{subscriber.pk}/overview/")
    expect(page.get_by_test_id("overview-ledger")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(shots / "overview-phone.png"), full_page=True)
    page.get_by_test_id("action-restrict").click()  # the access admin's own reason page
    expect(page.locator("textarea[name=note]")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
