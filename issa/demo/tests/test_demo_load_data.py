"""What ``manage.py demo_load`` builds: loaded once for this module (in a transaction that is
rolled back at the end), then only read by each test."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models import Count

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.catalog.models import NumberCategory, PlanTerms, Service, ServiceTerms, TariffPlan
from issa.customers.models import Account, Client
from issa.demo.loaders import subscribers as subscribers_loader
from issa.identity.models import User
from issa.subscribers.models import PlanPeriod, Product, Sim, Subscriber

from .test_demo_load import MINE, run

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run(*MINE)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_catalogue_has_the_seed_plans_and_about_forty_services(loaded: str) -> None:
    assert 15 <= TariffPlan.objects.count() <= 20
    assert 38 <= Service.objects.count() <= 45
    for name in ("Видеонаблюдение", "Спутниковый мониторинг"):
        plan = TariffPlan.objects.get(name=name)
        assert (plan.kind, plan.puk_identification) == (TariffPlan.Kind.DEVICE, True)
    internet = TariffPlan.objects.filter(kind=TariffPlan.Kind.INTERNET)
    assert internet.count() >= 2
    assert all(plan.puk_identification for plan in internet)
    assert TariffPlan.objects.filter(brand="ПРИВЕТ").exists()
    assert TariffPlan.objects.filter(kind=TariffPlan.Kind.HOME).exists()
    assert PlanTerms.objects.count() == TariffPlan.objects.count()
    assert ServiceTerms.objects.count() == Service.objects.count()
    assert set(Service.objects.values_list("kind", flat=True)) == set(Service.Kind.values)
    assert Service.objects.get(name="Пауза").kind == Service.Kind.PAUSE
    assert Service.objects.get(name="Плюс").kind == Service.Kind.VOICEMAIL
    assert Service.objects.filter(kind=Service.Kind.INTERNET, terms__allowances__kind="data").count() >= 4
    assert list(NumberCategory.objects.values_list("name", flat=True)) == [
        "Платиновый", "Бриллиантовый", "Золотой", "Серебряный", "Бронзовый", "Простой",
    ]  # fmt: skip
    smart = PlanTerms.objects.get(plan__code="smart")
    assert smart.prices.filter(outgoing=False, destination="onnet", unit_price=0).exists()  # incoming free
    assert smart.prices.get(kind="voice", outgoing=False, destination="roaming_1").unit_price > 0
    assert smart.allowances.get(kind="voice").quantity == 300 * 60  # minutes as seconds


def test_about_a_thousand_subscribers_persons_and_five_legal_entities(loaded: str) -> None:
    assert Subscriber.objects.count() == 1000
    assert Sim.objects.count() == 1000
    assert PlanPeriod.objects.count() == 1000
    legal = Client.objects.filter(kind=Client.Kind.LEGAL)
    assert legal.count() == 5
    for client in legal:
        assert len(client.unp) == 9
        numbers = Subscriber.objects.filter(account__client=client).count()
        assert 10 <= numbers <= 31
    assert set(Account.objects.values_list("payment_method", flat=True)) == {"prepaid", "postpaid"}
    statuses = Counter(Subscriber.objects.values_list("status", flat=True))
    assert statuses["active"] > 900
    assert statuses["paused"] == Product.objects.filter(service__kind="pause").count()
    assert Client.objects.values("name").annotate(n=Count("id")).filter(n__gt=3).count() == 0  # names vary


def test_opening_balances_are_ledger_entries_with_demo_keys(loaded: str) -> None:
    openings = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.OPENING)
    assert openings.count() > 700
    assert all(key.startswith("demo:opening:") for key in openings.values_list("idempotency_key", flat=True))
    mine = Subscriber.objects.get(msisdn="375291000001")
    assert account_balance(account_id=mine.account_id) == 2540


def test_demo_numbers_have_logins_states_and_known_sim_codes(loaded: str) -> None:
    users = {u.login: u for u in User.objects.filter(kind=User.Kind.MOBILE)}
    assert sorted(users) == sorted(d.msisdn for d in subscribers_loader.DEMO_NUMBERS if d.user)
    assert check_password("demo1234", users["375291000001"].password)
    assert users["375291000001"].subscriber_id == Subscriber.objects.get(msisdn="375291000001").pk
    paused = Subscriber.objects.get(msisdn="375291000002")
    assert paused.status == Subscriber.Status.PAUSED
    assert paused.products.filter(service__code="pause", active_to__isnull=True).exists()
    assert Subscriber.objects.get(msisdn="375291000003").plan.name == "Видеонаблюдение"
    assert Subscriber.objects.get(msisdn="375291000004").account.payment_method == Account.PaymentMethod.POSTPAID
    corporate = Subscriber.objects.get(msisdn="375291000005")
    assert corporate.account.client.kind == Client.Kind.LEGAL
    assert corporate.user_name == "Мельник Павел Андреевич"
    assert Subscriber.objects.get(msisdn="375291000003").sim.puk1_matches("12345678")
    assert not User.objects.filter(login__in=["375291000009", "375291000010"]).exists()
    admin = User.objects.get(login="admin")
    assert (admin.is_superuser, admin.is_staff) == (True, True)


def test_output_lists_the_demo_numbers_and_the_timing(loaded: str) -> None:
    for demo in subscribers_loader.DEMO_NUMBERS:
        assert f"+{demo.msisdn}" in loaded
    assert "Demo operator loaded in" in loaded
