"""factory_boy factories for tests: build the spine's objects with believable defaults.

``subscriber_with_balance`` gives a ready subscriber (client, account, plan, SIM, plan period and
an opening balance booked through the ledger), the most common starting point of a test.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.catalog.models import PlanTerms, Service, TariffPlan
from issa.customers.models import Account, Client
from issa.identity.models import User
from issa.subscribers.models import PlanPeriod, Sim, Subscriber

T = TypeVar("T")

_msisdn = itertools.count(1_000_000)


def next_msisdn() -> str:
    return f"37529{next(_msisdn):07d}"


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """A factory whose call, ``create`` and ``build`` are typed as the model, for mypy."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]

        @classmethod
        def create(cls, **kwargs: Any) -> T: ...

        @classmethod
        def build(cls, **kwargs: Any) -> T: ...


class ClientFactory(ModelFactory[Client]):
    class Meta:
        model = Client

    kind = Client.Kind.PERSON
    name = factory.Sequence(lambda n: f"Иванов Иван Иванович {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.test")


class AccountFactory(ModelFactory[Account]):
    class Meta:
        model = Account

    number = factory.Sequence(lambda n: f"{100000000 + n}")
    client = factory.SubFactory(ClientFactory)
    payment_method = Account.PaymentMethod.PREPAID
    opened_on = date(2025, 1, 15)


class TariffPlanFactory(ModelFactory[TariffPlan]):
    class Meta:
        model = TariffPlan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan-{n}")
    name = factory.Sequence(lambda n: f"Тариф {n}")
    kind = TariffPlan.Kind.MOBILE


class PlanTermsFactory(ModelFactory[PlanTerms]):
    class Meta:
        model = PlanTerms

    plan = factory.SubFactory(TariffPlanFactory)
    valid_from = datetime(2020, 1, 1, tzinfo=UTC)


class ServiceFactory(ModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Услуга {n}")


class SubscriberFactory(ModelFactory[Subscriber]):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    msisdn = factory.LazyFunction(next_msisdn)
    account = factory.SubFactory(AccountFactory)
    plan = factory.SubFactory(TariffPlanFactory)
    activated_on = date(2025, 1, 15)

    sim = factory.PostGeneration(lambda obj, create, extracted, **kwargs: _sim_and_plan_history(obj, create))


def _sim_and_plan_history(subscriber: Subscriber, create: bool) -> None:
    """Every live subscriber has a SIM with known codes and a plan history row."""
    if not create:
        return
    sim = Sim(iccid=f"8937501{subscriber.msisdn[-9:]}0000"[:20], subscriber=subscriber)
    sim.set_codes(pin1="1234", puk1="12345678", pin2="5678", puk2="87654321")
    sim.save()
    PlanPeriod.objects.create(
        subscriber=subscriber, plan=subscriber.plan, valid_from=datetime(2025, 1, 14, 21, 0, tzinfo=UTC)
    )


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    login = factory.LazyAttribute(lambda o: o.subscriber.msisdn if o.subscriber else f"user{next(_msisdn)}")
    subscriber = None
    kind = User.Kind.MOBILE

    password = factory.PostGeneration(lambda obj, create, extracted, **kwargs: _set_password(obj, create, extracted))


def _set_password(user: User, create: bool, password: str | None) -> None:
    user.set_password(password or "demo1234")
    if create:
        user.save(update_fields=["password"])


def subscriber_with_balance(kopecks: int = 1000, *, now: datetime | None = None, **kwargs: Any) -> Subscriber:
    """A live subscriber whose account holds ``kopecks`` as an opening ledger entry."""
    subscriber: Subscriber = SubscriberFactory.create(**kwargs)
    if kopecks:
        moment = now or timezone.now()
        ledger_post(
            account=subscriber.account,
            subscriber=subscriber,
            amount=kopecks,
            kind=LedgerEntry.Kind.OPENING,
            reason="Opening balance",
            idempotency_key=f"opening:{subscriber.account.number}",
            now=moment,
        )
    return subscriber
