"""FIN-5 in Debian's Chromium: top up by card through the sandbox acquirer's hosted page; the
callback travels over real HTTP to the live server; the balance and the SMS are seen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.billing.models import LedgerEntry
from issa.payments.models import CallbackLog, Payment
from issa.testing.factories import UserFactory, subscriber_with_balance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, user: Any, base_url: str) -> None:
    django_client = Client()
    django_client.force_login(user)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}])


@pytest.mark.parametrize(
    ("card", "state", "credited"),
    [
        ("4111 1111 1111 1111", "succeeded", True),
        ("4000 0000 0000 0341", "succeeded", True),
        ("4000 0000 0000 0002", "failed", False),
    ],
)
def test_fin_5_top_up_by_card_through_the_sandbox_page(
    page: Any, live_server: Any, settings: Any, card: str, state: str, credited: bool
) -> None:
    settings.ISSA_PUBLIC_URL = live_server.url
    settings.ISSA_SANDBOX_DELAY_SECONDS = 0
    subscriber = subscriber_with_balance(500)
    _sign_in(page, UserFactory(subscriber=subscriber), live_server.url)

    page.goto("/pay/card/")
    page.get_by_label(re.compile("Сумма")).fill("12,50")
    page.get_by_role("button", name="Перейти к оплате").click()
    expect(page).to_have_url(re.compile("/sandbox-acquirer/pay/"))
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/30")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page).to_have_url(re.compile("/pay/card/[0-9a-f-]+/"))
    expect(page.get_by_test_id("payment-state").last).to_be_visible()
    payment = Payment.objects.get()
    assert payment.state == state
    entries = LedgerEntry.objects.filter(account=subscriber.account, kind="payment")
    assert entries.count() == (1 if credited else 0)
    if credited:
        page.goto("/info/")
        expect(page.get_by_test_id("balance")).to_have_text("17,50\u00a0руб.")
        page.goto(f"/phone/?msisdn={subscriber.msisdn}")
        expect(page.get_by_text(re.compile("пополнен на 12,50"))).to_be_visible()
    if card.endswith("0341"):
        assert CallbackLog.objects.filter(outcome="duplicate").count() == 2
