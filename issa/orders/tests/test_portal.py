"""The «Операции с ТП и услугами» pages (SVC-1, SVC-2, SVC-3, SVC-9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from issa.orders.models import Order
from issa.orders.network import get_network
from issa.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(make_subscriber: Any, client: Any) -> Any:
    subscriber = make_subscriber(5000)
    client.force_login(UserFactory.create(subscriber=subscriber))
    return subscriber


def test_svc_1_plans_with_descriptions_and_comparison(logged_in: Any, client: Any) -> None:
    page = client.get(reverse("portal:services_plans")).content.decode()
    assert "Базовый: описание" in page
    assert "Смарт: описание" in page
    detail = client.get(reverse("portal:services_plan", args=["smart"]))
    assert detail.status_code == 200
    compare = client.get(reverse("portal:services_plans_compare"), {"plan": ["basic", "smart"]}).content.decode()
    assert "Базовый" in compare
    assert "Смарт" in compare
    assert "Суточный" not in compare
    assert client.get(reverse("portal:services_plan", args=["nope"])).status_code == 404


def test_svc_2_connect_through_the_portal_with_confirmation(logged_in: Any, client: Any) -> None:
    page = client.get(reverse("portal:services")).content.decode()
    assert "Музыка" in page
    response = client.post(reverse("portal:services_order_new"), {"action": "connect_service", "service": "music"})
    order = Order.objects.get(subscriber=logged_in)
    assert response.url == reverse("portal:services_order", args=[order.pk])
    assert order.state == Order.State.DRAFT
    assert "music" not in get_network().state(msisdn=logged_in.msisdn)["services"]
    client.post(reverse("portal:services_order_confirm", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    state = client.get(reverse("portal:services_order_state", args=[order.pk])).content.decode()
    assert 'data-state="completed"' in state
    assert "hx-trigger" not in state  # polling stops when done
    assert "music" in get_network().state(msisdn=logged_in.msisdn)["services"]


def test_svc_2_refused_order_shows_the_reason_and_changes_nothing(logged_in: Any, client: Any) -> None:
    response = client.post(
        reverse("portal:services_order_new"), {"action": "connect_service", "service": "music-hd"}, follow=True
    )
    assert "Музыка" in response.content.decode()
    assert not Order.objects.filter(subscriber=logged_in).exists()


def test_bss_6_another_subscribers_order_is_404(logged_in: Any, client: Any, make_subscriber: Any) -> None:
    from django.utils import timezone

    from issa.identity.actor import Actor
    from issa.orders.services import order_submit

    other = make_subscriber(5000)
    order = order_submit(
        subscriber=other, action="change_plan", params={"plan": "smart"}, actor=Actor.system("t"), now=timezone.now()
    )
    assert client.get(reverse("portal:services_order", args=[order.pk])).status_code == 404
    assert client.get(reverse("portal:services_order_state", args=[order.pk])).status_code == 404
    assert client.post(reverse("portal:services_order_cancel", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.state == Order.State.CONFIRMED


def test_svc_9_pause_notice_and_restore_button(logged_in: Any, client: Any) -> None:
    client.post(reverse("portal:services_order_new"), {"action": "pause"})
    order = Order.objects.get(subscriber=logged_in)
    client.post(reverse("portal:services_order_confirm", args=[order.pk]))
    page = client.get(reverse("portal:services_pause")).content.decode()
    assert "Обслуживание приостановлено по Вашей инициативе" in page
    assert 'value="restore"' in page


def test_every_services_page_renders(logged_in: Any, client: Any) -> None:
    for name in (
        "services",
        "services_plans",
        "services_internet",
        "services_favourite",
        "services_pause",
        "services_orders",
    ):
        assert client.get(reverse(f"portal:{name}")).status_code == 200, name


def test_svc_9_paused_notice_in_belarusian_and_english(logged_in: Any, client: Any) -> None:
    client.post(reverse("portal:services_order_new"), {"action": "pause"})
    order = Order.objects.get(subscriber=logged_in)
    client.post(reverse("portal:services_order_confirm", args=[order.pk]))
    be = client.get(reverse("portal:services_pause"), HTTP_ACCEPT_LANGUAGE="be").content.decode()
    en = client.get(reverse("portal:services_pause"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Абслугоўванне прыпынена па Вашай ініцыятыве" in be
    assert "Service is suspended at your initiative" in en


def test_svc_2_an_offer_shows_its_price_and_button_with_what_it_gives_behind_a_tap(logged_in: Any, client: Any) -> None:
    from issa.catalog.models import Service

    Service.objects.filter(code="music").update(description="Музыка без рекламы и без трафика")
    page = client.get(reverse("portal:services")).content.decode()
    card = page.split('data-testid="offer-music"', 1)[1].split("</article>", 1)[0]
    assert "Музыка" in card
    assert "3,00" in card  # the monthly fee
    assert "К оплате сейчас" in card
    more = '<details class="offer__more"><summary>Что даёт услуга</summary><p>Музыка без рекламы и без трафика</p>'
    assert more in card  # closed until tapped
    assert 'value="connect_service"' in card
