"""Fixtures of identity tests: a served subscriber, a registered user, actors per channel."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from django.core.cache import cache

from issa.identity.actor import Actor
from issa.identity.models import User
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory, UserFactory

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PASSWORD = "Kx7mQ2vz"


@pytest.fixture(autouse=True)
def _clean_cache(request: Any) -> Any:
    """Rate-limit counters live in the cache: the database cache rolls back with an ordinary test,
    but a transactional test (browser, live server) must clear it."""
    from django.conf import settings

    marker = request.node.get_closest_marker("django_db")
    if settings.REDIS_URL:
        cache.clear()  # Redis keeps counters across tests: use a database number of your own
    elif marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        cache.clear()
    return


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def web() -> Actor:
    return Actor(channel="web", ip="10.0.0.1", user_agent="pytest")


@pytest.fixture
def api_actor() -> Actor:
    return Actor(channel="api", ip="10.0.0.2")


@pytest.fixture
def subscriber(db: Any) -> Any:
    return make_subscriber()


@pytest.fixture
def registered(subscriber: Any) -> User:
    user = User.objects.create_user(
        subscriber.msisdn, PASSWORD, subscriber=subscriber, full_name=subscriber.display_name
    )
    user.password_changed_at = NOW
    user.save(update_fields=["password_changed_at"])
    return user


def last_code(msisdn: str) -> str:
    """The code of the newest OTP SMS to ``msisdn``, read from its WebOTP line."""
    message = SmsMessage.objects.filter(msisdn=msisdn, kind="otp").order_by("-id").first()
    assert message is not None, "no code SMS"
    match = re.search(r"#(\d{6})$", message.body)
    assert match, message.body
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def make_subscriber(**kwargs: Any) -> Subscriber:
    """SubscriberFactory, typed for mypy."""
    return cast(Subscriber, SubscriberFactory(**kwargs))


def make_user(**kwargs: Any) -> User:
    """UserFactory, typed for mypy."""
    return cast(User, UserFactory(**kwargs))
