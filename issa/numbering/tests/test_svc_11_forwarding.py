"""SVC-11: call forwarding — set or cancel, unconditional or on busy / no answer / unreachable,
to a mobile or a fixed number; each change an order carried to the network."""

from __future__ import annotations

import pytest
from django.utils import timezone

from issa.core.errors import DomainError
from issa.numbering.features import forwarding_state, parse_forwarding_target
from issa.orders.models import Order
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.orders.services import order_submit
from issa.subscribers.models import Product, Subscriber

from .conftest import ACTOR
from .helpers import snapshot


def _set(member, condition, number):
    order = order_submit(
        subscriber=member,
        action="forwarding_set",
        params={"condition": condition, "number": number},
        actor=ACTOR,
        now=timezone.now(),
    )
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED, order.last_error
    return order


def _agrees(member):
    member.refresh_from_db()
    assert get_network().state(msisdn=member.msisdn) == expected_network_state(subscriber=member, at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_svc_11_set_conditions_to_mobile_and_fixed_numbers(member):
    _set(member, "busy", "+375 17 222-33-44")  # fixed line in Minsk
    _set(member, "no_answer", "8 029 765-43-21")  # mobile, typed the domestic way
    assert forwarding_state(subscriber=member, now=timezone.now()) == {
        "busy": "375172223344",
        "no_answer": "375297654321",
    }
    assert Product.objects.filter(subscriber=member, service__code="forwarding").count() == 1  # one product, updated
    _agrees(member)
    assert get_network().state(msisdn=member.msisdn)["services"]["forwarding"] == {
        "busy": "375172223344",
        "no_answer": "375297654321",
    }


@pytest.mark.django_db(transaction=True)
def test_svc_11_unconditional_then_cancel_one_then_all(member):
    _set(member, "unconditional", "+375297654321")
    _set(member, "unreachable", "+375172223344")
    order = order_submit(
        subscriber=member,
        action="forwarding_cancel",
        params={"condition": "unconditional"},
        actor=ACTOR,
        now=timezone.now(),
    )
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    assert forwarding_state(subscriber=member, now=timezone.now()) == {"unreachable": "375172223344"}
    _agrees(member)
    order_submit(
        subscriber=member, action="forwarding_cancel", params={"condition": "all"}, actor=ACTOR, now=timezone.now()
    )
    assert forwarding_state(subscriber=member, now=timezone.now()) == {}
    assert "forwarding" not in get_network().state(msisdn=member.msisdn)["services"]
    product = Product.objects.get(subscriber=member, service__code="forwarding")
    assert product.active_to is not None
    _agrees(member)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"condition": "busy", "number": "12345"}, "invalid_phone_number"),
        ({"condition": "busy", "number": "+375 29 999"}, "invalid_phone_number"),
        ({"condition": "busy", "number": "+375 29 123-00-01"}, "forwarding_to_self"),
        ({"condition": "sometimes", "number": "+375297654321"}, "invalid_forwarding_condition"),
        ({"condition": "busy", "number": "<script>"}, "invalid_phone_number"),
        ({"condition": "busy", "number": "+375 902 12-34-56"}, "invalid_phone_number"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_svc_11_bad_requests_refused_nothing_changed(member, params, code):
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="forwarding_set", params=params, actor=ACTOR, now=timezone.now())
    assert err.value.code == code
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_11_cancel_of_unset_condition_refused_nothing_changed(member):
    _set(member, "busy", "+375297654321")
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member,
            action="forwarding_cancel",
            params={"condition": "no_answer"},
            actor=ACTOR,
            now=timezone.now(),
        )
    assert err.value.code == "forwarding_not_set"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_11_same_target_again_refused(member):
    _set(member, "busy", "+375297654321")
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member,
            action="forwarding_set",
            params={"condition": "busy", "number": "80297654321"},
            actor=ACTOR,
            now=timezone.now(),
        )
    assert err.value.code == "forwarding_same"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_11_svc_5_refused_while_suspended(member):
    Subscriber.objects.filter(pk=member.pk).update(status=Subscriber.Status.SUSPENDED_CLIENT)
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member,
            action="forwarding_set",
            params={"condition": "busy", "number": "+375297654321"},
            actor=ACTOR,
            now=timezone.now(),
        )
    assert err.value.code == "order_refused_suspended"
    assert snapshot(member) == before


def test_svc_11_target_kinds(db):
    from issa.testing.factories import SubscriberFactory

    sub = SubscriberFactory.build(msisdn="375291230001")
    assert parse_forwarding_target("+7 495 123-45-67", subscriber=sub) == "74951234567"  # international fixed
    with pytest.raises(DomainError) as err:
        parse_forwarding_target("+44 909 879 0000", subscriber=sub)  # premium rate
    assert err.value.code == "forwarding_target_not_allowed"
