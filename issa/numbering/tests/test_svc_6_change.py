"""SVC-6: the order of number change — the subscriber, their login and history move to the new
number, the category's price is charged once, the old number rests in quarantine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.identity.models import AuditEvent, User
from issa.identity.services import user_login_change
from issa.notifications.models import SmsMessage
from issa.numbering import selectors, services
from issa.numbering.models import NumberAssignment, PoolNumber
from issa.orders.models import Order, SimulatedSim
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state
from issa.orders.services import order_submit
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory, UserFactory

from .conftest import ACTOR
from .helpers import snapshot

State = PoolNumber.State
GOLD = "375295128888"


@pytest.mark.django_db(transaction=True)
def test_svc_6_change_moves_subscriber_login_and_history(pool, member):
    now = timezone.now()
    old = member.msisdn
    earlier = AuditEvent.objects.create(
        at=now - timedelta(days=3), action="test.before", channel="web", subscriber=member
    )
    balance = account_balance(account_id=member.account_id)
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now)

    order = order_submit(
        subscriber=member, action="change_number", params={"msisdn": "+375 29 512-88-88"}, actor=ACTOR, now=now
    )

    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED, order.last_error
    assert order.price == 14900  # Золотой: 149.00 BYN
    member.refresh_from_db()
    assert member.msisdn == GOLD
    user = User.objects.get(subscriber=member)
    assert user.login == GOLD
    assert user.check_password("demo1234")
    # the money: the category's price once, through the ledger
    fee = LedgerEntry.objects.get(idempotency_key=f"order:{order.pk}:number")
    assert fee.amount == -14900
    assert fee.kind == LedgerEntry.Kind.ONE_TIME_FEE
    assert account_balance(account_id=member.account_id) == balance - 14900
    # the pool: new assigned, old in quarantine for 90 days
    new_row = PoolNumber.objects.get(msisdn=GOLD)
    assert (new_row.state, new_row.holder_id, new_row.order_ref) == (State.ASSIGNED, member.pk, "")
    old_row = PoolNumber.objects.get(msisdn=old)
    assert old_row.state == State.QUARANTINE
    assert old_row.quarantine_until is not None
    assert old_row.quarantine_until - now >= timedelta(days=90)
    assert old not in set(selectors.numbers_offered(now=now + timedelta(days=89)).values_list("msisdn", flat=True))
    # history follows: it is keyed by the subscriber; the old number still resolves for late records
    assert AuditEvent.objects.filter(pk=earlier.pk, subscriber=member).exists()
    assert selectors.subscriber_for_number_at(old, now - timedelta(hours=1)) == member.pk
    assert selectors.subscriber_for_number_at(GOLD, timezone.now() + timedelta(seconds=1)) == member.pk
    assert selectors.subscriber_for_number_at(GOLD, now - timedelta(hours=1)) is None
    assert NumberAssignment.objects.filter(subscriber=member).count() == 2
    holders = selectors.holders_of_numbers([old, GOLD, "375299999999"])
    assert set(holders) == {old, GOLD}
    assert holders[old][0].subscriber_id == member.pk
    assert holders[old][0].valid_to is not None
    assert holders[GOLD][0].valid_to is None
    # the network moved the SIM and agrees with us
    assert not SimulatedSim.objects.filter(msisdn=old).exists()
    assert get_network().state(msisdn=GOLD) == expected_network_state(subscriber=member, at=timezone.now())
    # told on the new number; audited
    assert SmsMessage.objects.filter(msisdn=GOLD, kind="notice").exists()
    assert AuditEvent.objects.filter(action="number.change", subscriber=member).count() == 1
    assert AuditEvent.objects.filter(action="auth.login_change", subscriber=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_svc_6_change_without_reservation_refused_nothing_changed(pool, member):
    now = timezone.now()
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert err.value.code == "number_not_reserved"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_6_change_to_number_reserved_by_another_refused(pool, member):
    now = timezone.now()
    other = SubscriberFactory()
    services.number_reserve(subscriber=other, msisdn=GOLD, actor=ACTOR, now=now)
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert err.value.code == "number_not_reserved"
    assert snapshot(member) == before
    assert PoolNumber.objects.get(msisdn=GOLD).holder_id == other.pk


@pytest.mark.django_db(transaction=True)
def test_svc_6_change_after_reservation_lapsed_refused(pool, member):
    now = timezone.now()
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now - timedelta(minutes=16))
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert err.value.code == "number_not_reserved"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_6_svc_4_prepaid_without_enough_balance_refused_reservation_untouched(pool, member):
    now = timezone.now()
    services.number_reserve(subscriber=member, msisdn="375295777777", actor=ACTOR, now=now)  # Платиновый 499.00
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": "375295777777"}, actor=ACTOR, now=now)
    assert err.value.code == "order_refused_balance"
    assert snapshot(member) == before
    row = PoolNumber.objects.get(msisdn="375295777777")
    assert (row.state, row.holder_id, row.order_ref) == (State.RESERVED, member.pk, "")


@pytest.mark.django_db(transaction=True)
def test_svc_6_svc_5_change_refused_while_paused(pool, member):
    now = timezone.now()
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now)
    Subscriber.objects.filter(pk=member.pk).update(status=Subscriber.Status.PAUSED)
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert err.value.code == "order_refused_suspended"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_6_own_number_refused(pool, member):
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member, action="change_number", params={"msisdn": member.msisdn}, actor=ACTOR, now=timezone.now()
        )
    assert err.value.code == "number_is_yours"
    assert snapshot(member) == before


@pytest.mark.django_db(transaction=True)
def test_svc_6_failed_change_keeps_the_number_and_frees_the_hold(pool, member):
    """The network refuses (the new number is in use there): the order fails and is reported,
    the subscriber keeps their number and login, no fee; the held number returns to the pool."""
    now = timezone.now()
    old = member.msisdn
    SimulatedSim.objects.create(msisdn=GOLD, updated_at=now)
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now)
    order = order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    order.refresh_from_db()
    assert order.state == Order.State.FAILED
    member.refresh_from_db()
    assert member.msisdn == old
    assert User.objects.get(subscriber=member).login == old
    assert not LedgerEntry.objects.filter(idempotency_key__startswith=f"order:{order.pk}:").exists()
    assert PoolNumber.objects.get(msisdn=GOLD).order_ref == f"order:{order.pk}"
    assert services.reservations_expire(now=timezone.now()) == 1
    row = PoolNumber.objects.get(msisdn=GOLD)
    assert (row.state, row.holder_id, row.order_ref) == (State.FREE, None, "")


@pytest.mark.django_db(transaction=True)
def test_svc_6_old_number_offered_again_after_quarantine(pool, member):
    now = timezone.now()
    old = member.msisdn
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now)
    order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert services.quarantine_release(now=now + timedelta(days=89)) == 0
    assert services.quarantine_release(now=now + timedelta(days=91)) == 1
    other = SubscriberFactory()
    number = services.number_reserve(subscriber=other, msisdn=old, actor=ACTOR, now=now + timedelta(days=91))
    assert number.holder_id == other.pk


def test_svc_6_user_login_change(db):
    sub = SubscriberFactory()
    user = UserFactory(subscriber=sub)
    taken = UserFactory(login="375295000009")
    now = timezone.now()
    with pytest.raises(DomainError) as err:
        user_login_change(user=user, new_login=taken.login, actor=ACTOR, now=now)
    assert err.value.code == "login_taken"
    user.refresh_from_db()
    assert user.login == sub.msisdn
    assert not AuditEvent.objects.filter(action="auth.login_change").exists()
    user_login_change(user=user, new_login="375295000010", actor=ACTOR, now=now)
    user.refresh_from_db()
    assert user.login == "375295000010"
    assert AuditEvent.objects.get(action="auth.login_change").details == {"old": sub.msisdn, "new": "375295000010"}


@pytest.mark.django_db(transaction=True)
def test_svc_6_number_whose_login_is_still_taken_refused_nothing_changed(pool, member):
    """A login left by the number's former holder would block the login's move: refused before
    anything reaches the network."""
    now = timezone.now()
    UserFactory(login=GOLD)
    services.number_reserve(subscriber=member, msisdn=GOLD, actor=ACTOR, now=now)
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(subscriber=member, action="change_number", params={"msisdn": GOLD}, actor=ACTOR, now=now)
    assert err.value.code == "number_taken"
    assert snapshot(member) == before
