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


# --- the corporate cabinet's services and money (AUTH-11) -----------------------------------------


@pytest.fixture
def music(db: Any) -> Any:
    """An option any plan allows: 3.00 a month, 1.00 to connect."""
    from decimal import Decimal

    from issa.catalog.models import Service, ServiceTerms

    service = Service.objects.create(code="music", name="Музыка", kind=Service.Kind.OPTION)
    ServiceTerms.objects.create(
        service=service,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        fee=Decimal("3.00"),
        fee_period=ServiceTerms.FeePeriod.MONTHLY,
        one_time_fee=Decimal("1.00"),
    )
    return service


def book(account: Any, amount: int, kind: str, key: str, *, at: datetime, subscriber: Any = None) -> None:
    from issa.billing.services import ledger_post

    ledger_post(
        account=account,
        subscriber=subscriber,
        amount=amount,
        kind=kind,
        reason=key,
        idempotency_key=key,
        now=at,
        effective_at=at,
    )


def usage(subscriber: Any, charge: int, *, at: datetime, n: int) -> None:
    """A rated record of ``subscriber`` and its money on the ledger, as rating books it: one
    debit per account with no subscriber (the record says whose the usage was)."""
    from issa.billing.models import LedgerEntry
    from issa.core import clock
    from issa.usage.models import UsageRecord
    from issa.usage.storage import ensure_partitions

    key = clock.period_of(at).key
    ensure_partitions([key])
    UsageRecord.objects.create(
        source="MSC-T",
        record_id=f"t{n:06d}",
        start_time=at,
        msisdn=subscriber.msisdn,
        subscriber_id=subscriber.pk,
        account_id=subscriber.account_id,
        kind="voice",
        outgoing=True,
        destination="offnet",
        duration=60,
        quantity=60,
        charge=charge,
        batch_id=1,
        bill_period=key,
        rated_at=at,
    )
    book(subscriber.account, -charge, LedgerEntry.Kind.USAGE, f"t:usage:{n}", at=at)


@pytest.fixture
def funded(corp: Corp) -> Corp:
    """The client's shared account holds 50.00; the worker spent 3.45 this month (3.00 of usage,
    0.45 of fee; 9.99 in an earlier month does not count), worker2 nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from issa.billing.models import LedgerEntry
    from issa.core import clock

    now = timezone.now()
    start = clock.period_of(now).start
    account = corp.worker.account
    book(account, 5000 + 345 + 999, LedgerEntry.Kind.PAYMENT, "t:pay", at=start - timedelta(days=20))
    usage(corp.worker, 999, at=start - timedelta(days=3), n=1)
    usage(corp.worker, 300, at=start + timedelta(minutes=5), n=2)
    book(account, -45, LedgerEntry.Kind.SUBSCRIPTION_FEE, "t:fee", at=now, subscriber=corp.worker)
    return corp


@dataclass
class CabinetSnapshot:
    """Everything a corporate action on services may change."""

    access: Snapshot
    orders: list[tuple[Any, ...]]
    products: list[tuple[Any, ...]]
    pending: int
    ledger: int


def cabinet_snapshot() -> CabinetSnapshot:
    from issa.billing.models import LedgerEntry
    from issa.identity.models import PendingRequest
    from issa.orders.models import Order
    from issa.subscribers.models import Product

    return CabinetSnapshot(
        access=snapshot(),
        orders=list(Order.objects.order_by("pk").values_list("pk", "state")),
        products=list(Product.objects.order_by("pk").values_list("pk", "service_id", "active_to")),
        pending=PendingRequest.objects.count(),
        ledger=LedgerEntry.objects.count(),
    )
