"""Fixtures of the number pool's tests: the six categories and a few pool numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from issa.catalog.models import NumberCategory
from issa.identity.actor import Actor

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ACTOR = Actor(channel="web", label="test")

CATEGORIES = [
    ("platinum", "Платиновый", 1, "499.00"),
    ("diamond", "Бриллиантовый", 2, "299.00"),
    ("gold", "Золотой", 3, "149.00"),
    ("silver", "Серебряный", 4, "49.00"),
    ("bronze", "Бронзовый", 5, "19.00"),
    ("simple", "Простой", 6, "0.00"),
]

POOL = [
    "375295777777",  # platinum
    "375295155555",  # diamond
    "375295128888",  # gold
    "375295112233",  # gold (three pairs)
    "375295123999",  # silver
    "375295123400",  # bronze
    "375295123477",  # simple
    "375442987123",  # simple
    "375442981777",  # silver
]


@pytest.fixture
def categories(db):
    return {
        code: NumberCategory.objects.create(code=code, name=name, rank=rank, price=Decimal(price))
        for code, name, rank, price in CATEGORIES
    }


@pytest.fixture
def pool(categories):
    from issa.numbering.services import pool_add

    pool_add(msisdns=POOL, now=NOW)
    return POOL


@pytest.fixture
def features_catalogue(db):
    """The services of SVC-11 and SVC-12 with their terms (forwarding free, «Плюс» 1.90/month)."""
    from issa.catalog.models import Service, ServiceTerms

    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    rows = {}
    for code, name, kind, fee, period in [
        ("forwarding", "Переадресация вызова", Service.Kind.FORWARDING, "0", ServiceTerms.FeePeriod.NONE),
        ("voicemail-plus", "Плюс", Service.Kind.VOICEMAIL, "1.90", ServiceTerms.FeePeriod.MONTHLY),
    ]:
        service = Service.objects.create(code=code, name=name, kind=kind)
        ServiceTerms.objects.create(service=service, valid_from=t0, fee=Decimal(fee), fee_period=period, pro_rata=False)
        rows[code] = service
    return rows


@pytest.fixture
def member(categories, features_catalogue):
    """A prepaid subscriber with 200 BYN, an ISSA login and a SIM known to the simulated network."""
    from django.utils import timezone

    from issa.orders.network import get_network
    from issa.orders.selectors import expected_network_state
    from issa.testing.factories import UserFactory, subscriber_with_balance

    subscriber = subscriber_with_balance(20_000, msisdn="375291230001")
    UserFactory(subscriber=subscriber)
    now = timezone.now()
    get_network().sync(
        msisdn=subscriber.msisdn,
        state=expected_network_state(subscriber=subscriber, at=now),
        request_id=f"test-sync:{subscriber.msisdn}",
    )
    return subscriber
