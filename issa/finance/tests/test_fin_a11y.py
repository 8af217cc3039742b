"""The «Финансовая информация» pages (FIN-1, FIN-2, FIN-3, FIN-6) checked by axe-core in Chromium
for WCAG 2.x AA, with data on every page (a payment, a plan, a registration, a refund request)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from issa.finance.services import installment_plan_create, refund_request_create
from issa.identity.actor import Actor
from issa.portal.tests.test_public_a11y import AXE, violations
from issa.testing.factories import UserFactory, subscriber_with_balance

from .conftest import pay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = ["/finance/history/", "/finance/installments/", "/finance/promised/", "/finance/refunds/"]


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Any]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make install does)")
    now = timezone.now()
    wrong = subscriber_with_balance(500, msisdn="375291300011", now=now - timedelta(days=30))
    subscriber_with_balance(0, msisdn="375291300012")
    payment = pay(wrong, 800, now - timedelta(days=1))
    actor = Actor(channel="web")
    refund_request_create(subscriber=wrong, payment_id=payment.pk, right_number="375291300012", actor=actor, now=now)
    pay(wrong, 300, now - timedelta(days=2), source="express_card")
    installment_plan_create(
        subscriber=wrong,
        device_name="Смартфон",
        total=30000,
        payments_count=10,
        first_month=now.date(),
        actor=actor,
        now=now,
    )
    client = Client()
    client.force_login(UserFactory(subscriber=wrong))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU", bypass_csp=True
    )
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_fin_pages_have_no_wcag_aa_violations(signed_in: Any) -> None:
    page = signed_in
    found = {}
    for path in PAGES:
        page.goto(path)
        found[path] = violations(page)
    page.goto("/finance/promised/new/?step=amount")
    page.get_by_label("Сумма, руб.").fill("5")
    page.get_by_role("button", name="Далее").click()  # refused: the error state
    found["promised error"] = violations(page)
    page.get_by_label("Сумма, руб.").fill("2")
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("button", name="Подтвердить").wait_for()
    found["promised confirm"] = violations(page)
    assert found == {key: [] for key in found}
