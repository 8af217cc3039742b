"""BSS-3: *100# shows the balance and the remaining allowances on one USSD screen."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from issa.billing.info import balance_screen
from issa.catalog.models import Allowance, Kind, Service, ServiceTerms
from issa.subscribers.models import Product
from issa.testing.factories import PlanTermsFactory, ServiceFactory, TariffPlanFactory, subscriber_with_balance

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TOKEN = "test-ussd-token"


@pytest.fixture
def subscriber(db):
    plan = TariffPlanFactory(code="smart", name="Смарт")
    terms = PlanTermsFactory(plan=plan, fee=Decimal("19.90"))
    Allowance.objects.create(plan_terms=terms, kind=Kind.VOICE, quantity=300 * 60)
    Allowance.objects.create(plan_terms=terms, kind=Kind.SMS, quantity=100)
    Allowance.objects.create(plan_terms=terms, kind=Kind.DATA, quantity=5 * 1024**3)
    promo = ServiceFactory(code="promo", name="Акция", kind=Service.Kind.PACKAGE)
    sterms = ServiceTerms.objects.create(service=promo, valid_from=datetime(2020, 1, 1, tzinfo=UTC))
    Allowance.objects.create(service_terms=sterms, kind=Kind.VOICE, quantity=50 * 60)
    sub = subscriber_with_balance(123456, now=datetime(2026, 9, 1, tzinfo=UTC), plan=plan)
    Product.objects.create(subscriber=sub, service=promo, active_from=datetime(2026, 10, 1, tzinfo=UTC))
    return sub


@time_machine.travel(NOW, tick=False)
def test_bss_3_ussd_100_balance_and_remaining_allowances_on_one_screen(client, subscriber):
    with override_settings(ISSA_USSD_TOKEN=TOKEN):
        response = client.post(
            "/ussd/gateway",
            json.dumps({"session_id": "s1", "msisdn": subscriber.msisdn, "text": "*100#"}),
            content_type="application/json",
            headers={"x-ussd-token": TOKEN},
        )
    assert response.status_code == 200
    text = response.json()["text"]
    assert text == "Баланс: 1\u00a0234,56\u00a0руб.\nОсталось: 350 мин, 100 SMS, 5120 МБ"
    assert len(text) <= 80  # Cyrillic travels as UCS-2: 80 characters to a screen


@time_machine.travel(NOW, tick=False)
def test_bss_3_ussd_100_cuts_allowances_to_fit_the_screen(subscriber):
    text = balance_screen(subscriber=subscriber, now=NOW, limit=45)
    assert text == "Баланс: 1\u00a0234,56\u00a0руб.\nОсталось: 350 мин"


def test_bss_3_ussd_screen_is_182_latin_or_80_cyrillic_characters():
    from issa.billing.info import ussd_fits

    assert ussd_fits("x" * 182)
    assert not ussd_fits("x" * 183)
    assert ussd_fits("ж" * 80)
    assert not ussd_fits("ж" * 81)
