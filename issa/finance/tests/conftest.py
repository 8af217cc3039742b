"""Fixtures of finance tests: a subscriber with a balance and a user, logged-in clients, payments."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.identity.actor import Actor
from issa.testing.factories import UserFactory, subscriber_with_balance

_keys = count(1)


@pytest.fixture(autouse=True)
def _clean_cache(request: Any) -> None:
    marker = request.node.get_closest_marker("django_db")
    if settings.REDIS_URL or (marker is not None and marker.kwargs.get("transaction")):
        if marker is not None and marker.kwargs.get("transaction"):
            request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def subscriber(db: Any, now: datetime) -> Any:
    return subscriber_with_balance(500, now=now - timedelta(days=40))


@pytest.fixture
def user(subscriber: Any) -> Any:
    return UserFactory(subscriber=subscriber)


@pytest.fixture
def web(user: Any) -> Actor:
    return Actor(channel="web", user=user)


def live_session(user: Any) -> str:
    """A real logged-in session (what the pending-request mechanism checks)."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store.create()
    return str(store.session_key)


@pytest.fixture
def session_key(user: Any) -> str:
    return live_session(user)


@pytest.fixture
def logged_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def pay(subscriber: Any, kopecks: int, at: datetime, source: str = "card") -> LedgerEntry:
    """A real payment as the payments app books it (kind payment, details.source)."""
    entry, _ = ledger_post(
        account=subscriber.account,
        subscriber=subscriber,
        amount=kopecks,
        kind=LedgerEntry.Kind.PAYMENT,
        reason="Test payment",
        idempotency_key=f"test:payment:{next(_keys)}:{subscriber.pk}",
        now=at,
        details={"source": source},
    )
    return entry


def entries(subscriber: Any, kind: str | None = None) -> list[LedgerEntry]:
    qs = LedgerEntry.objects.filter(account=subscriber.account)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


def bearer(user: Any, now: datetime) -> dict[str, str]:
    """The Authorization header of a fresh API token of ``user``."""
    from issa.identity.services import token_create

    _, raw = token_create(user=user, name="test", actor=Actor(channel="api", user=user), now=now)
    return {"Authorization": f"Bearer {raw}"}
