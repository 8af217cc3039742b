"""In Debian's Chromium on a phone: change the plan, connect a service and watch the order
complete by htmx polling (SVC-1, SVC-2, SVC-3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from playwright.sync_api import expect

from issa.orders.models import Order
from issa.orders.network import get_network
from issa.orders.services import orders_run_due
from issa.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, live_server: Any, subscriber: Any) -> None:
    django_client = Client()
    django_client.force_login(UserFactory(subscriber=subscriber))
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])


def test_svc_1_svc_2_svc_3_change_plan_connect_service_watch_order(
    page: Any, live_server: Any, make_subscriber: Any
) -> None:
    subscriber = make_subscriber(5000)
    _login(page, live_server, subscriber)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # SVC-1: plans with descriptions, comparison, change
    page.goto("/services/plans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Операции с ТП и услугами")
    expect(page.get_by_test_id("plan-smart")).to_contain_text("Смарт: описание")
    page.get_by_label("Базовый").check()
    page.get_by_label("Смарт").check()
    page.get_by_role("button", name="Сравнить выбранные тарифы").click()
    expect(page.get_by_test_id("compare")).to_contain_text("Смарт")
    page.get_by_role("button", name="Перейти на «Смарт»").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Ожидает подтверждения")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("order-state")).to_have_text("Принята")  # takes effect at midnight
    expect(page.get_by_text("Заявка принята. Изменения вступят в силу в течение 24 часов.")).to_be_visible()

    # SVC-2 / SVC-3: connect a service; the network is slow to answer, the page keeps polling
    with override_settings(ISSA_NETWORK_SIM={"fail_msisdns": [subscriber.msisdn]}):
        page.goto("/services/")
        page.get_by_test_id("offer-music").get_by_role("button", name="Подключить").click()
        expect(page.get_by_test_id("order-state")).to_have_text("Ожидает подтверждения")
        page.get_by_test_id("confirm").click()
        expect(page.get_by_test_id("order-state")).to_have_text("Выполняется")
    order = Order.objects.get(subscriber=subscriber, action="connect_service")
    assert order.state == Order.State.IN_PROGRESS
    Order.objects.filter(pk=order.pk).update(next_attempt_at=timezone.now())  # the backoff is over
    orders_run_due(now=timezone.now())  # the retry, while the page polls
    expect(page.get_by_test_id("order-state")).to_have_text("Выполнена", timeout=15_000)
    assert "music" in get_network().state(msisdn=subscriber.msisdn)["services"]
    page.get_by_role("link", name="Услуги абонента").click()
    expect(page.get_by_test_id("connected")).to_contain_text("Музыка")
    assert not [e for e in errors if "Content Security Policy" in e]
