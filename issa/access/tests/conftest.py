"""Fixtures for the access tests: a legal entity with an administrator, a supervisor and plain
numbers; another client; staff; a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from issa.access.models import AccessBlock, CorporateRole, PukAttempt
from issa.access.services import corporate_role_assign
from issa.customers.models import Client
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import AccountFactory, ClientFactory, SubscriberFactory, UserFactory

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
PUK1 = "12345678"  # the factories' SIM


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_user("staff411", "Staff12345", kind=User.Kind.STAFF, is_staff=True, is_superuser=True)


@pytest.fixture
def staff_actor(staff: User) -> Actor:
    return Actor(channel="admin", user=staff, ip="10.0.0.5")


@pytest.fixture
def subscriber(db: Any) -> Subscriber:
    return make_subscriber()


def make_subscriber(**kwargs: Any) -> Subscriber:
    return cast(Subscriber, SubscriberFactory(**kwargs))


def make_user(subscriber: Subscriber) -> User:
    return cast(User, UserFactory(subscriber=subscriber))


@dataclass
class Corp:
    client: Client
    admin: Subscriber
    supervisor: Subscriber
    worker: Subscriber
    worker2: Subscriber
    admin_role: CorporateRole
    supervisor_role: CorporateRole
    admin_user: User
    supervisor_user: User
    worker_user: User


@pytest.fixture
def corp(db: Any, staff_actor: Actor) -> Corp:
    client = cast(Client, ClientFactory(kind=Client.Kind.LEGAL, name='ООО "Ромашка"', unp="190000001"))
    account = AccountFactory(client=client)
    admin, supervisor, worker, worker2 = (make_subscriber(account=account) for _ in range(4))
    worker.user_name = "Петров Пётр"
    worker.save(update_fields=["user_name"])
    admin_role = corporate_role_assign(
        subscriber=admin, role="administrator", application="Заявление №1", actor=staff_actor, now=NOW
    )
    supervisor_role = corporate_role_assign(
        subscriber=supervisor, role="supervisor", rights=["access"], actor=staff_actor, now=NOW
    )
    return Corp(
        client=client,
        admin=admin,
        supervisor=supervisor,
        worker=worker,
        worker2=worker2,
        admin_role=admin_role,
        supervisor_role=supervisor_role,
        admin_user=make_user(admin),
        supervisor_user=make_user(supervisor),
        worker_user=make_user(worker),
    )


@pytest.fixture
def other_number(db: Any) -> Subscriber:
    """A number of another legal entity."""
    return make_subscriber(account=AccountFactory(client=ClientFactory(kind=Client.Kind.LEGAL)))


@dataclass
class Snapshot:
    blocks: list[tuple[Any, ...]]
    audit: int
    sms: int
    roles: list[tuple[Any, ...]]
    puk_attempts: int


def snapshot() -> Snapshot:
    """Everything an access use case may change, to assert that a refusal changed nothing."""
    return Snapshot(
        blocks=list(AccessBlock.objects.order_by("pk").values_list("pk", "reason", "lifted_at")),
        audit=AuditEvent.objects.count(),
        sms=SmsMessage.objects.count(),
        roles=list(CorporateRole.objects.order_by("pk").values_list("pk", "role", "rights", "revoked_at")),
        puk_attempts=PukAttempt.objects.count(),
    )
