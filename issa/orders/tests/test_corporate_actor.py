"""An order placed by someone who is not the number's user (AUTH-11: a corporate administrator or
supervisor for the client's numbers): the draft's pending request is the actor's, the audit
names the acting person, the number concerned, the client, and on whose behalf."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.orders.models import Order
from issa.orders.services import order_cancel, order_confirm, order_submit
from issa.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

BEHALF = {"role": "administrator", "role_id": 7}


def session_of(user: Any) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return str(store.session_key)


def test_auth_11_order_by_another_user_is_audited_on_the_clients_behalf(make_subscriber: Any) -> None:
    number = make_subscriber(5000)
    number_user = UserFactory.create(subscriber=number)
    manager = UserFactory.create(subscriber=make_subscriber(5000, account=number.account))
    actor = Actor(channel="web", user=manager, ip="10.1.1.1")
    key = session_of(manager)
    now = timezone.now()

    order = order_submit(
        subscriber=number,
        action="connect_service",
        params={"service": "music"},
        actor=actor,
        now=now,
        session_key=key,
        on_behalf=BEHALF,
    )
    with pytest.raises(DomainError) as refused:  # the number's own user cannot confirm the manager's draft
        order_confirm(
            subscriber=number,
            order_id=order.pk,
            actor=Actor(channel="web", user=number_user),
            now=now,
            session_key=session_of(number_user),
        )
    assert refused.value.code == "not_found"
    order_confirm(subscriber=number, order_id=order.pk, actor=actor, now=now, session_key=key, on_behalf=BEHALF)

    order.refresh_from_db()
    assert order.state == Order.State.CONFIRMED
    assert order.actor_label == manager.login
    events = AuditEvent.objects.filter(action__in=("order.submitted", "order.confirmed")).order_by("pk")
    assert [(e.action, e.actor, e.subscriber, e.client, e.details.get("on_behalf")) for e in events] == [
        ("order.submitted", manager, number, number.account.client, BEHALF),
        ("order.confirmed", manager, number, number.account.client, BEHALF),
    ]


def test_auth_11_order_cancelled_on_the_clients_behalf(make_subscriber: Any) -> None:
    number = make_subscriber(5000)
    manager = UserFactory.create(subscriber=make_subscriber(5000, account=number.account))
    actor = Actor(channel="web", user=manager)
    now = timezone.now()
    order = order_submit(
        subscriber=number,
        action="connect_service",
        params={"service": "music"},
        actor=actor,
        now=now,
        session_key=session_of(manager),
        on_behalf=BEHALF,
    )

    order_cancel(subscriber=number, order_id=order.pk, actor=actor, now=now, on_behalf=BEHALF)

    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    event = AuditEvent.objects.get(action="order.cancelled")
    assert (event.actor, event.subscriber, event.details["on_behalf"]) == (manager, number, BEHALF)
    assert event.details["note"] == "cancelled on the client's behalf"
    assert "on_behalf" not in AuditEvent.objects.get(action="pending.cancelled").details
