"""The portal sub-pages of the number and its features (SVC-6, SVC-10, SVC-11, SVC-12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issa.notifications.models import SmsMessage
from issa.numbering import services
from issa.numbering.models import PoolNumber
from issa.orders.models import Order
from issa.testing.factories import SubscriberFactory, UserFactory

from .conftest import ACTOR
from .helpers import snapshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(pool, member, client):
    client.force_login(member.user)
    return member


def _confirm(client, response):
    order = Order.objects.filter(state=Order.State.DRAFT).get()
    assert response.url == reverse("portal:services_order", args=[order.pk])
    client.post(reverse("portal:services_order_confirm", args=[order.pk]))
    order.refresh_from_db()
    return order


def test_svc_6_page_offers_numbers_with_categories_and_prices(logged_in, client):
    page = client.get(reverse("portal:numbering_change")).content.decode()
    assert "+375 29 577-77-77" in page
    assert "Платиновый" in page
    assert "499,00" in page
    assert 'href="/services/number/"' in page  # the tab among «Операции с ТП и услугами»


def test_svc_6_search_by_mask_and_category(logged_in, client):
    page = client.get(reverse("portal:numbering_change"), {"mask": "%%%%777"}).content.decode()
    assert "+375 29 577-77-77" in page
    assert "+375 44 298-17-77" in page
    assert "+375 29 512-88-88" not in page
    page = client.get(reverse("portal:numbering_change"), {"mask": "%%%%777", "category": "silver"}).content.decode()
    assert "+375 44 298-17-77" in page
    assert "+375 29 577-77-77" not in page
    partial = client.get(reverse("portal:numbering_change"), {"category": "gold"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="number-results"')
    assert "+375 29 511-22-33" in body


def test_svc_6_bad_mask_shows_the_error_and_finds_nothing(logged_in, client):
    page = client.get(reverse("portal:numbering_change"), {"mask": "29'; DROP TABLE x; --"}).content.decode()
    assert 'data-testid="mask-error"' in page
    assert 'data-testid="offered-number"' not in page


def test_svc_6_reserve_then_order_then_confirm(logged_in, client):
    response = client.post(reverse("portal:numbering_reserve"), {"msisdn": "375295128888"})
    assert response.status_code == 302
    page = client.get(reverse("portal:numbering_change")).content.decode()
    assert 'data-testid="reservation"' in page
    response = client.post(
        reverse("portal:services_order_new"),
        {"action": "change_number", "number": "375295128888", "back": "/services/number/"},
    )
    order = _confirm(client, response)
    assert order.state == Order.State.COMPLETED, order.last_error
    logged_in.refresh_from_db()
    assert logged_in.msisdn == "375295128888"


def test_svc_6_number_reserved_by_another_refused_on_the_page(logged_in, client):
    other = SubscriberFactory()
    services.number_reserve(subscriber=other, msisdn="375295128888", actor=ACTOR, now=timezone.now())
    before = snapshot(logged_in)
    response = client.post(reverse("portal:numbering_reserve"), {"msisdn": "375295128888"}, follow=True)
    assert "Этот номер только что занял другой абонент" in response.content.decode()
    assert snapshot(logged_in) == before


def test_svc_6_release(logged_in, client):
    services.number_reserve(subscriber=logged_in, msisdn="375295128888", actor=ACTOR, now=timezone.now())
    client.post(reverse("portal:numbering_release"), {"msisdn": "375295128888"})
    assert PoolNumber.objects.get(msisdn="375295128888").state == PoolNumber.State.FREE


def test_svc_6_reservation_of_another_subscriber_is_not_shown(logged_in, client):
    other = SubscriberFactory()
    services.number_reserve(subscriber=other, msisdn="375295128888", actor=ACTOR, now=timezone.now())
    page = client.get(reverse("portal:numbering_change")).content.decode()
    assert 'data-testid="reservation"' not in page
    assert "+375 29 512-88-88" not in page  # not offered either while held


def test_svc_11_forwarding_page_sets_and_cancels(logged_in, client):
    response = client.post(
        reverse("portal:services_order_new"),
        {
            "action": "forwarding_set",
            "condition": "busy",
            "number": "+375 17 222-33-44",
            "back": "/services/forwarding/",
        },
    )
    assert _confirm(client, response).state == Order.State.COMPLETED
    page = client.get(reverse("portal:numbering_forwarding")).content.decode()
    assert "+375 17 222-33-44" in page


def test_svc_11_bad_number_on_the_page_refused(logged_in, client):
    before = snapshot(logged_in)
    response = client.post(
        reverse("portal:services_order_new"),
        {"action": "forwarding_set", "condition": "busy", "number": "abc", "back": "/services/forwarding/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/services/forwarding/"
    assert snapshot(logged_in) == before


def test_svc_12_voicemail_page(logged_in, client):
    page = client.get(reverse("portal:numbering_voicemail")).content.decode()
    assert 'data-testid="voicemail-connect"' in page
    response = client.post(reverse("portal:services_order_new"), {"action": "voicemail_connect"})
    assert _confirm(client, response).state == Order.State.COMPLETED
    page = client.get(reverse("portal:numbering_voicemail")).content.decode()
    assert 'name="email"' in page


def test_svc_10_settings_page_next_sends_the_sms(logged_in, client):
    page = client.get(reverse("portal:numbering_settings")).content.decode()
    assert 'value="streaming"' in page
    response = client.post(reverse("portal:services_order_new"), {"action": "settings_send", "kinds": "streaming"})
    assert _confirm(client, response).state == Order.State.COMPLETED
    assert SmsMessage.objects.filter(msisdn=logged_in.msisdn, kind="settings").count() == 1


def test_pages_need_a_login(db, client):
    for name in ("numbering_change", "numbering_forwarding", "numbering_voicemail", "numbering_settings"):
        assert client.get(reverse(f"portal:{name}")).status_code == 302


def test_staff_without_a_number_gets_404(db, client, pool):
    client.force_login(UserFactory(login="staffer", kind="staff"))
    assert client.get(reverse("portal:numbering_change")).status_code == 404


def test_lapsed_reservation_disappears_from_the_page(logged_in, client):
    services.number_reserve(
        subscriber=logged_in, msisdn="375295128888", actor=ACTOR, now=timezone.now() - timedelta(minutes=20)
    )
    page = client.get(reverse("portal:numbering_change")).content.decode()
    assert 'data-testid="reservation"' not in page
