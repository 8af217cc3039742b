"""In Debian's Chromium: the personal information page on a phone, the PIN/PUK button (INFO-2, INFO-4)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.catalog.models import Allowance, Kind
from issa.identity.models import AuditEvent
from issa.testing.factories import PlanTermsFactory, TariffPlanFactory, UserFactory, subscriber_with_balance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_info_4_pin_puk_button_shows_the_codes_in_place_and_records_it(page: Any, live_server: Any) -> None:
    plan = TariffPlanFactory(code="smart-b", name="Смарт", benefits="Безлимит внутри сети")
    terms = PlanTermsFactory(plan=plan, fee=Decimal("19.90"))
    Allowance.objects.create(plan_terms=terms, kind=Kind.VOICE, quantity=300 * 60)
    subscriber = subscriber_with_balance(1234, plan=plan, now=datetime(2026, 1, 1, tzinfo=UTC))
    user = UserFactory(subscriber=subscriber)
    django_client = Client()
    django_client.force_login(user)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/info/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Персональная информация")
    expect(page.get_by_test_id("balance")).to_have_text("12,34\u00a0руб.")
    expect(page.get_by_label("Звонки", exact=False)).to_have_attribute("max", "300")
    assert page.get_by_test_id("sim-codes").count() == 0
    page.get_by_role("button", name="PIN/PUK").click()
    expect(page.get_by_test_id("sim-codes")).to_contain_text("12345678")
    expect(page).to_have_url(f"{live_server.url}/info/")  # swapped in place by htmx
    assert AuditEvent.objects.filter(action="sim.codes_revealed", subscriber=subscriber).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e]

    page.get_by_role("link", name="Дополнительная информация").click()
    expect(page.get_by_test_id("client-id")).to_have_text(str(subscriber.account.client_id))
