"""SVC-1..SVC-9 and BSS-6 through the services (the portal and API use the same ones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.customers.models import Account
from issa.identity.models import AuditEvent
from issa.notifications.models import SmsMessage
from issa.orders.models import Order, SimulatedCommand
from issa.orders.network import get_network
from issa.orders.selectors import expected_network_state, is_paused
from issa.orders.services import order_submit, orders_run_due
from issa.subscribers.models import PlanPeriod, Product, Subscriber

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 in Minsk


@pytest.fixture(autouse=True)
def traveller() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def submit(subscriber: Subscriber, action: str, web: Any, **params: Any) -> Order:
    order = order_submit(subscriber=subscriber, action=action, params=params, actor=web, now=timezone.now())
    order.refresh_from_db()
    return order


def snapshot(subscriber: Subscriber) -> tuple[Any, ...]:
    subscriber.refresh_from_db()
    return (
        Order.objects.filter(subscriber=subscriber).count(),
        LedgerEntry.objects.filter(account=subscriber.account).count(),
        SimulatedCommand.objects.filter(msisdn=subscriber.msisdn).count(),
        get_network().state(msisdn=subscriber.msisdn),
        Product.objects.filter(subscriber=subscriber).count(),
        subscriber.plan_id,
        subscriber.status,
    )


def refused(subscriber: Subscriber, action: str, web: Any, code: str, **params: Any) -> None:
    before = snapshot(subscriber)
    with pytest.raises(DomainError) as caught:
        order_submit(subscriber=subscriber, action=action, params=params, actor=web, now=timezone.now())
    assert caught.value.code == code
    assert snapshot(subscriber) == before


def in_sync(subscriber: Subscriber) -> bool:
    subscriber.refresh_from_db()
    return get_network().state(msisdn=subscriber.msisdn) == expected_network_state(
        subscriber=subscriber, at=timezone.now()
    )


# --- SVC-1 -----------------------------------------------------------------------------------


def test_svc_1_plan_change_takes_effect_next_midnight_with_its_fee(
    make_subscriber: Any, web: Any, traveller: Any
) -> None:
    subscriber = make_subscriber(5000)
    order = submit(subscriber, "change_plan", web, plan="smart")
    assert order.state == Order.State.CONFIRMED  # waits for the plan's stated moment
    midnight = datetime(2025, 3, 10, 21, 0, tzinfo=UTC)  # 00:00 on the 11th in Minsk
    assert order.scheduled_for == midnight
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "basic"
    traveller.move_to(midnight + timedelta(minutes=1))
    orders_run_due(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "smart"
    periods = list(PlanPeriod.objects.filter(subscriber=subscriber).order_by("valid_from"))
    assert [(p.plan.code, p.valid_to) for p in periods] == [("basic", midnight), ("smart", None)]
    assert periods[1].valid_from == midnight
    fee = LedgerEntry.objects.get(idempotency_key=f"order:{order.pk}:fee")
    assert fee.amount == -200
    assert fee.kind == LedgerEntry.Kind.ONE_TIME_FEE
    assert fee.effective_at == midnight
    assert in_sync(subscriber)


def test_svc_1_immediate_plan_and_same_plan_refused(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    order = submit(subscriber, "change_plan", web, plan="daily")
    assert order.state == Order.State.COMPLETED
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "daily"
    refused(subscriber, "change_plan", web, "plan_same", plan="daily")
    refused(subscriber, "change_plan", web, "plan_unknown", plan="no-such-plan")


def test_svc_1_plan_that_does_not_allow_a_connected_service_is_refused(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000, plan="smart")
    assert submit(subscriber, "favourite_set", web, number="+375 29 555-12-34").state == Order.State.COMPLETED
    refused(subscriber, "change_plan", web, "plan_service_conflict", plan="basic")


def test_svc_1_scheduled_plan_change_can_be_cancelled(make_subscriber: Any, web: Any) -> None:
    from issa.orders.services import order_cancel

    subscriber = make_subscriber(5000)
    order = submit(subscriber, "change_plan", web, plan="smart")
    order_cancel(subscriber=subscriber, order_id=order.pk, actor=web, now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    orders_run_due(now=timezone.now() + timedelta(days=1))
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "basic"
    assert not LedgerEntry.objects.filter(idempotency_key__startswith=f"order:{order.pk}").exists()


# --- SVC-2 -----------------------------------------------------------------------------------


def test_svc_2_connect_and_disconnect_with_compatibility(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    refused(subscriber, "connect_service", web, "service_requires", service="music-hd")
    assert submit(subscriber, "connect_service", web, service="music").state == Order.State.COMPLETED
    assert submit(subscriber, "connect_service", web, service="music-hd").state == Order.State.COMPLETED
    refused(subscriber, "connect_service", web, "service_connected", service="music")
    refused(subscriber, "disconnect_service", web, "service_required_by", service="music")
    assert submit(subscriber, "disconnect_service", web, service="music-hd").state == Order.State.COMPLETED
    assert submit(subscriber, "disconnect_service", web, service="music").state == Order.State.COMPLETED
    refused(subscriber, "disconnect_service", web, "service_not_connected", service="music")
    assert in_sync(subscriber)
    assert not Product.objects.filter(subscriber=subscriber, active_to__isnull=True).exists()


def test_svc_2_excludes_works_both_ways(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    submit(subscriber, "connect_service", web, service="int-5")
    refused(subscriber, "connect_service", web, "service_excludes", service="roam")
    other = make_subscriber(5000)
    submit(other, "connect_service", web, service="roam")
    refused(other, "connect_service", web, "service_excludes", service="int-5")


def test_svc_2_plan_allows_the_service_or_not(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    refused(subscriber, "favourite_set", web, "service_not_on_plan", number="+375295551234")
    refused(subscriber, "connect_service", web, "service_unknown", service="nonexistent")


def test_svc_2_two_open_orders_for_the_same_thing_are_refused(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    submit(subscriber, "change_plan", web, plan="smart")  # waits for midnight
    refused(subscriber, "change_plan", web, "order_in_progress", plan="smart")


# --- SVC-3 / BSS-6 -----------------------------------------------------------------------------


def test_svc_3_failed_network_is_retried_with_backoff_then_completed(
    make_subscriber: Any, web: Any, traveller: Any
) -> None:
    subscriber = make_subscriber(5000)
    with override_settings(ISSA_NETWORK_SIM={"fail_msisdns": [subscriber.msisdn]}):
        order = submit(subscriber, "connect_service", web, service="music")
    assert order.state == Order.State.IN_PROGRESS
    assert order.attempts == 1
    assert order.next_attempt_at == timezone.now() + timedelta(minutes=1)
    assert not LedgerEntry.objects.filter(idempotency_key=f"order:{order.pk}:fee").exists()
    orders_run_due(now=timezone.now())  # not due yet: nothing happens
    order.refresh_from_db()
    assert order.attempts == 1
    traveller.shift(timedelta(minutes=2))
    orders_run_due(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    assert order.attempts == 2
    assert in_sync(subscriber)
    # re-running the task is harmless (idempotent)
    from issa.orders.tasks import order_execute

    order_execute(order.pk)
    assert LedgerEntry.objects.filter(idempotency_key__startswith=f"order:{order.pk}").count() == 1


def test_bss_6_order_failing_every_attempt_is_reported_not_lost(make_subscriber: Any, web: Any, traveller: Any) -> None:
    subscriber = make_subscriber(5000)
    balance = account_balance(account_id=subscriber.account_id)
    with override_settings(ISSA_NETWORK_SIM={"failure_rate": 1.0}):
        order = submit(subscriber, "connect_service", web, service="music")
        for _ in range(10):
            traveller.shift(timedelta(hours=2))
            orders_run_due(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.FAILED
    assert order.attempts == 5
    assert order.last_error
    assert AuditEvent.objects.filter(action="order.failed", object_id=str(order.pk), outcome="failed").exists()
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn, kind="order").count() == 1
    assert account_balance(account_id=subscriber.account_id) == balance
    assert not Product.objects.filter(subscriber=subscriber).exists()
    assert in_sync(subscriber)


def test_bss_6_every_state_change_is_audited_and_in_history(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    order = submit(subscriber, "connect_service", web, service="music")
    actions = list(
        AuditEvent.objects.filter(object_id=str(order.pk), action__startswith="order.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["order.submitted", "order.confirmed", "order.in_progress", "order.completed"]


def test_bss_6_draft_confirm_through_pending_request(make_subscriber: Any, web: Any, client: Any) -> None:
    from issa.identity.actor import Actor
    from issa.orders.services import order_confirm
    from issa.testing.factories import UserFactory

    subscriber = make_subscriber(5000)
    user = UserFactory.create(subscriber=subscriber)
    client.force_login(user)
    key = client.session.session_key
    actor = Actor(channel="web", user=user)
    order = order_submit(
        subscriber=subscriber,
        action="connect_service",
        params={"service": "music"},
        actor=actor,
        now=timezone.now(),
        session_key=key,
    )
    assert order.state == Order.State.DRAFT
    assert order.pending_request_id
    assert get_network().state(msisdn=subscriber.msisdn)["services"] == {}
    order_confirm(subscriber=subscriber, order_id=order.pk, actor=actor, now=timezone.now(), session_key=key)
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED


def test_bss_6_draft_cancelled_when_session_ends(make_subscriber: Any, client: Any) -> None:
    from issa.identity.actor import Actor
    from issa.orders.services import drafts_sweep, order_confirm
    from issa.testing.factories import UserFactory

    subscriber = make_subscriber(5000)
    user = UserFactory.create(subscriber=subscriber)
    client.force_login(user)
    key = client.session.session_key
    actor = Actor(channel="web", user=user)
    order = order_submit(
        subscriber=subscriber,
        action="connect_service",
        params={"service": "music"},
        actor=actor,
        now=timezone.now(),
        session_key=key,
    )
    client.logout()
    drafts_sweep(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    with pytest.raises(DomainError):
        order_confirm(subscriber=subscriber, order_id=order.pk, actor=actor, now=timezone.now(), session_key=key)
    assert get_network().state(msisdn=subscriber.msisdn)["services"] == {}
    assert not LedgerEntry.objects.filter(idempotency_key__startswith=f"order:{order.pk}").exists()


def test_bss_6_another_subscribers_order_is_not_found(make_subscriber: Any, web: Any) -> None:
    from issa.orders.services import order_cancel

    owner = make_subscriber(5000)
    order = submit(owner, "change_plan", web, plan="smart")
    stranger = make_subscriber(5000)
    with pytest.raises(DomainError) as caught:
        order_cancel(subscriber=stranger, order_id=order.pk, actor=web, now=timezone.now())
    assert caught.value.code == "not_found"
    order.refresh_from_db()
    assert order.state == Order.State.CONFIRMED


# --- SVC-4 -----------------------------------------------------------------------------------


def test_svc_4_prepaid_needs_the_price_on_the_balance(make_subscriber: Any, web: Any) -> None:
    # music: 1.00 connection + 3.00 × 22/31 of March pro rata = 1.00 + 2.13 = 3.13
    poor = make_subscriber(312)
    refused(poor, "connect_service", web, "order_refused_balance", service="music")
    rich = make_subscriber(313)
    order = submit(rich, "connect_service", web, service="music")
    assert order.price == 313
    assert order.state == Order.State.COMPLETED
    # only the connection fee is booked by the order; the monthly fee is the fee job's
    assert LedgerEntry.objects.filter(account=rich.account, kind=LedgerEntry.Kind.ONE_TIME_FEE).get().amount == -100


def test_svc_4_postpaid_is_not_limited_by_balance(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(0)
    Account.objects.filter(pk=subscriber.account_id).update(payment_method=Account.PaymentMethod.POSTPAID)
    subscriber.refresh_from_db()
    assert submit(subscriber, "connect_service", web, service="music").state == Order.State.COMPLETED


def test_svc_4_free_service_needs_no_balance(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(0)
    assert submit(subscriber, "pause", web).state == Order.State.COMPLETED


# --- SVC-5 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["paused", "suspended_client", "suspended_operator"])
def test_svc_5_orders_refused_while_suspended(make_subscriber: Any, web: Any, status: str) -> None:
    subscriber = make_subscriber(5000)
    Subscriber.objects.filter(pk=subscriber.pk).update(status=status)
    refused(subscriber, "connect_service", web, "order_refused_suspended", service="music")
    refused(subscriber, "change_plan", web, "order_refused_suspended", plan="smart")


def test_svc_5_suspension_after_the_order_fails_it_in_the_worker(
    make_subscriber: Any, web: Any, traveller: Any
) -> None:
    subscriber = make_subscriber(5000)
    order = submit(subscriber, "change_plan", web, plan="smart")
    Subscriber.objects.filter(pk=subscriber.pk).update(status="suspended_operator")
    traveller.shift(timedelta(days=1))
    orders_run_due(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.FAILED
    subscriber.refresh_from_db()
    assert subscriber.plan.code == "basic"
    assert get_network().state(msisdn=subscriber.msisdn)["plan"] == "basic"


# --- SVC-7 -----------------------------------------------------------------------------------


def test_svc_7_mobile_internet_connect_change_disconnect(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000)
    refused(subscriber, "internet_change", web, "internet_none", service="int-5")
    submit(subscriber, "connect_service", web, service="int-1")
    refused(subscriber, "connect_service", web, "internet_package_active", service="int-5")
    order = submit(subscriber, "internet_change", web, service="int-5")
    assert order.state == Order.State.COMPLETED
    assert set(get_network().state(msisdn=subscriber.msisdn)["services"]) == {"int-5"}
    assert in_sync(subscriber)
    submit(subscriber, "disconnect_service", web, service="int-5")
    assert get_network().state(msisdn=subscriber.msisdn)["services"] == {}
    assert in_sync(subscriber)


# --- SVC-8 -----------------------------------------------------------------------------------


def test_svc_8_favourite_number_assign_and_change(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000, plan="smart")
    refused(subscriber, "favourite_set", web, "invalid_msisdn", number="12")
    refused(subscriber, "favourite_set", web, "favourite_own", number=subscriber.msisdn)
    first = submit(subscriber, "favourite_set", web, number="+375 29 555-12-34")
    assert first.state == Order.State.COMPLETED
    refused(subscriber, "favourite_set", web, "favourite_same", number="375295551234")
    second = submit(subscriber, "favourite_set", web, number="+375 33 777-00-11")
    assert second.state == Order.State.COMPLETED
    assert get_network().state(msisdn=subscriber.msisdn)["services"]["fav"] == {"number": "375337770011"}
    assert in_sync(subscriber)
    fees = LedgerEntry.objects.filter(account=subscriber.account, kind=LedgerEntry.Kind.ONE_TIME_FEE)
    assert sorted(fees.values_list("amount", flat=True)) == [-50, -50]
    submit(subscriber, "favourite_cancel", web)
    assert "fav" not in get_network().state(msisdn=subscriber.msisdn)["services"]


def test_svc_8_not_every_plan_allows_the_favourite_number(make_subscriber: Any, web: Any) -> None:
    subscriber = make_subscriber(5000, plan="basic")
    refused(subscriber, "favourite_set", web, "service_not_on_plan", number="+375295551234")


# --- SVC-9 -----------------------------------------------------------------------------------


def test_svc_9_pause_and_restore(make_subscriber: Any, web: Any, traveller: Any) -> None:
    subscriber = make_subscriber(5000)
    submit(subscriber, "pause", web)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PAUSED
    assert is_paused(subscriber=subscriber, at=timezone.now())
    assert get_network().state(msisdn=subscriber.msisdn)["suspended"] is True
    refused(subscriber, "pause", web, "order_refused_suspended")
    refused(subscriber, "connect_service", web, "order_refused_suspended", service="music")
    traveller.shift(timedelta(days=3))
    assert submit(subscriber, "restore", web).state == Order.State.COMPLETED
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not is_paused(subscriber=subscriber, at=timezone.now())
    assert in_sync(subscriber)
    refused(subscriber, "restore", web, "pause_not_active")


def test_bss_6_worker_dying_after_the_network_resumes_without_doing_anything_twice(
    make_subscriber: Any, web: Any, traveller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issa.orders.actions import ConnectService

    subscriber = make_subscriber(5000)
    real = ConnectService.complete
    calls = {"n": 0}

    def crash_once(self: Any, *, order: Any, now: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed")
        real(self, order=order, now=now)

    monkeypatch.setattr(ConnectService, "complete", crash_once)
    with pytest.raises(RuntimeError):
        submit(subscriber, "connect_service", web, service="music")
    order = Order.objects.get(subscriber=subscriber)
    assert order.state == Order.State.IN_PROGRESS  # the lease holds it; nothing is lost
    assert not Product.objects.filter(subscriber=subscriber).exists()
    traveller.shift(timedelta(minutes=2))
    orders_run_due(now=timezone.now())
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    assert SimulatedCommand.objects.filter(msisdn=subscriber.msisdn, command="add_service").count() == 1
    assert LedgerEntry.objects.filter(idempotency_key__startswith=f"order:{order.pk}").count() == 1
    assert in_sync(subscriber)


def test_bss_6_the_every_minute_job_is_declared() -> None:
    from issa.core.schedules import declared_jobs

    jobs = {job.name: job for job in declared_jobs()}
    assert jobs["orders.run_due"].func == "issa.orders.tasks.run_due"
