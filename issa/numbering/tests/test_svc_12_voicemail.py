"""SVC-12: voicemail package «Плюс» — connect/disconnect, set or cancel the e-mail address that gets
a copy of every voice message (with a confirmation e-mail to the address)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.core.errors import DomainError
from issa.customers.models import Account
from issa.numbering.features import voicemail_state
from issa.orders.models import Order
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.orders.services import order_submit
from issa.subscribers.models import Product

from .conftest import ACTOR
from .helpers import snapshot


def _order(member, action, **params):
    order = order_submit(subscriber=member, action=action, params=params, actor=ACTOR, now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED, order.last_error
    return order


def _agrees(member):
    assert get_network().state(msisdn=member.msisdn) == expected_network_state(subscriber=member, at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_svc_12_connect_set_email_cancel_email_disconnect(member, mailoutbox):
    order = _order(member, "voicemail_connect")
    assert order.price == 190  # the first month of 1.90 BYN (no pro rata), checked against the balance
    assert voicemail_state(subscriber=member, now=timezone.now()) == {"connected": True, "email": ""}
    _agrees(member)

    _order(member, "voicemail_email_set", email="  Ivan.Petrov@Example.BY ")
    assert voicemail_state(subscriber=member, now=timezone.now()) == {
        "connected": True,
        "email": "Ivan.Petrov@example.by",
    }
    assert get_network().state(msisdn=member.msisdn)["services"]["voicemail-plus"] == {
        "email": "Ivan.Petrov@example.by"
    }
    _agrees(member)
    assert [m.to for m in mailoutbox] == [["Ivan.Petrov@example.by"]]  # the confirmation
    assert Product.objects.filter(subscriber=member, service__code="voicemail-plus").count() == 1

    _order(member, "voicemail_email_cancel")
    assert voicemail_state(subscriber=member, now=timezone.now()) == {"connected": True, "email": ""}
    _agrees(member)

    _order(member, "voicemail_disconnect")
    assert voicemail_state(subscriber=member, now=timezone.now()) == {"connected": False, "email": ""}
    assert "voicemail-plus" not in get_network().state(msisdn=member.msisdn)["services"]
    _agrees(member)


@pytest.mark.parametrize(
    "email", ["", "not-an-email", "a@b", "x@example.com\nBcc: y@example.com", "a" * 250 + "@ex.by"]
)
@pytest.mark.django_db(transaction=True)
def test_svc_12_bad_email_refused_nothing_changed(member, email):
    _order(member, "voicemail_connect")
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member, action="voicemail_email_set", params={"email": email}, actor=ACTOR, now=timezone.now()
        )
    assert err.value.code == "invalid_email"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_12_email_without_the_package_refused(member):
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member,
            action="voicemail_email_set",
            params={"email": "a@example.by"},
            actor=ACTOR,
            now=timezone.now(),
        )
    assert err.value.code == "service_not_connected"
    assert snapshot(member) == before
    for action in ("voicemail_disconnect", "voicemail_email_cancel"):
        with pytest.raises(DomainError):
            order_submit(subscriber=member, action=action, params={}, actor=ACTOR, now=timezone.now())
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_12_svc_4_prepaid_without_money_refused(member):
    from issa.billing.services import ledger_post

    ledger_post(
        account=member.account,
        amount=-19_900,
        kind=LedgerEntry.Kind.ONE_TIME_FEE,
        reason="test: spend",
        idempotency_key="test:spend",
        now=timezone.now(),
    )
    assert member.account.payment_method == Account.PaymentMethod.PREPAID
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="voicemail_connect", params={}, actor=ACTOR, now=timezone.now())
    assert err.value.code == "order_refused_balance"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_12_connect_twice_refused(member):
    _order(member, "voicemail_connect")
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="voicemail_connect", params={}, actor=ACTOR, now=timezone.now())
    assert err.value.code == "service_connected"
    assert snapshot(member) == before
