"""STAT-1..4 internet statistics: one day within the 6 previous months and the current period,
traffic by service with domains, unknown domains as "Other", sorted by total traffic, at most 10
requests a day per subscriber (the 11th refused, recording and costing nothing)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from issa.billing.models import LedgerEntry
from issa.core.clock import OPERATOR_TZ
from issa.core.errors import DomainError
from issa.identity.models import User
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory, UserFactory
from issa.usage.models import ServiceDomain, StatRequest, UsageRecord
from issa.usage.stats import OTHER, service_for, stat_request, stat_rows
from issa.usage.storage import ensure_partitions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _partitions(db: None) -> None:
    """PostgreSQL keeps usage in monthly partitions; create the months the tests use."""
    ensure_partitions([f"2026-{m:02d}" for m in range(4, 13)])


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


NOW = minsk(2026, 11, 20, 12)
_seq = iter(range(1, 10**9))


def session(sub: Subscriber, start: datetime, domain: str, up: int, down: int) -> None:
    UsageRecord.objects.create(
        source="GGSN-T",
        record_id=f"d{next(_seq):08d}",
        start_time=start,
        msisdn=sub.msisdn,
        subscriber_id=sub.pk,
        account_id=sub.account_id,
        kind="data",
        outgoing=True,
        destination="home",
        quantity=up + down,
        up_bytes=up,
        down_bytes=down,
        service="internet",
        domain=domain,
        batch_id=1,
        bill_period=f"{start:%Y-%m}",
        rated_at=start,
    )


@pytest.fixture
def sub() -> Subscriber:
    subscriber: Subscriber = SubscriberFactory()
    ServiceDomain.objects.create(domain="youtube.com", service="YouTube")
    ServiceDomain.objects.create(domain="googlevideo.com", service="YouTube")
    ServiceDomain.objects.create(domain="vk.com", service="VK")
    day = (2026, 11, 15)
    session(subscriber, minsk(*day, 0, 0), "www.youtube.com", 1_000, 50_000)
    session(subscriber, minsk(*day, 10, 0), "rr1.googlevideo.com", 2_000, 900_000)
    session(subscriber, minsk(*day, 11, 0), "vk.com", 5_000, 100_000)
    session(subscriber, minsk(*day, 12, 0), "unknown.example.by", 300, 200_000)
    session(subscriber, minsk(*day, 13, 0), "", 10, 20)
    session(subscriber, minsk(*day, 23, 59), "vk.com", 1, 1)
    session(subscriber, minsk(2026, 11, 16, 0, 0), "vk.com", 7, 10_000_000)  # the next day
    session(subscriber, minsk(2026, 11, 14, 23, 59), "vk.com", 7, 10_000_000)  # the day before
    return subscriber


def web_for(sub: Subscriber) -> Client:
    web = Client()
    web.force_login(User.objects.filter(subscriber=sub).first() or UserFactory(subscriber=sub))
    return web


def test_stat_1_one_day_by_service_with_domains_and_bytes(sub: Subscriber) -> None:
    rows = {r.service: r for r in stat_rows(subscriber_id=sub.pk, day=date(2026, 11, 15))}
    assert set(rows) == {"YouTube", "VK", OTHER}
    assert rows["YouTube"].domains == ["rr1.googlevideo.com", "www.youtube.com"]
    assert (rows["YouTube"].up_bytes, rows["YouTube"].down_bytes) == (3_000, 950_000)
    assert (rows["VK"].up_bytes, rows["VK"].down_bytes) == (5_001, 100_001)
    assert rows["VK"].domains == ["vk.com"]


@time_machine.travel(NOW, tick=False)
def test_stat_1_day_must_be_within_six_previous_months_and_current_period(sub: Subscriber) -> None:
    for bad in ("2026-04-30", "2026-11-21", "not a date", ""):
        with pytest.raises(DomainError):
            stat_request(subscriber_id=sub.pk, raw_day=bad, now=NOW)
    assert not StatRequest.objects.exists()
    day, rows, left = stat_request(subscriber_id=sub.pk, raw_day="2026-05-01", now=NOW)
    assert day == date(2026, 5, 1)
    assert rows == []
    assert left == 9


def test_stat_2_unknown_services_grouped_as_other(sub: Subscriber) -> None:
    assert service_for("a.b.youtube.com", {"youtube.com": "YouTube"}) == "YouTube"
    assert service_for("notyoutube.com", {"youtube.com": "YouTube"}) == OTHER
    rows = {r.service: r for r in stat_rows(subscriber_id=sub.pk, day=date(2026, 11, 15))}
    assert rows[OTHER].domains == ["unknown.example.by"]
    assert (rows[OTHER].up_bytes, rows[OTHER].down_bytes) == (310, 200_020)


def test_stat_3_sorted_by_total_traffic_largest_first(sub: Subscriber) -> None:
    rows = stat_rows(subscriber_id=sub.pk, day=date(2026, 11, 15))
    assert [r.service for r in rows] == ["YouTube", OTHER, "VK"]
    totals = [r.total for r in rows]
    assert totals == sorted(totals, reverse=True)


@time_machine.travel(NOW, tick=False)
def test_stat_4_at_most_ten_requests_a_day_eleventh_refused_and_costs_nothing(sub: Subscriber) -> None:
    web = web_for(sub)
    balance_before = LedgerEntry.objects.count()
    for i in range(10):
        response = web.post(reverse("portal:stats"), {"day": "2026-11-15"})
        assert response.status_code == 200, i
        assert response.context["rows"][0].service == "YouTube"
    assert response.context["remaining"] == 0
    response = web.post(reverse("portal:stats"), {"day": "2026-11-15"})
    assert response.status_code == 429
    assert "10" in response.context["error"]
    assert "rows" not in response.context
    assert StatRequest.objects.filter(subscriber_id=sub.pk).count() == 10
    assert LedgerEntry.objects.count() == balance_before
    # Another subscriber has their own ten.
    other: Subscriber = SubscriberFactory()
    assert web_for(other).post(reverse("portal:stats"), {"day": "2026-11-15"}).status_code == 200
    # The next Minsk day the count starts again.
    with time_machine.travel(minsk(2026, 11, 21, 0, 1), tick=False):
        assert web_for(sub).post(reverse("portal:stats"), {"day": "2026-11-15"}).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_stat_1_page_shows_own_data_only(sub: Subscriber) -> None:
    other: Subscriber = SubscriberFactory()
    page = web_for(other).post(reverse("portal:stats"), {"day": "2026-11-15"})
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert "youtube" not in page.content.decode()
    own = web_for(sub).post(reverse("portal:stats"), {"day": "2026-11-15"})
    assert "rr1.googlevideo.com" in own.content.decode()
    page = web_for(sub).get(reverse("portal:stats"))
    assert page.status_code == 200
    assert "Максимальное количество запросов - 10 в сутки." in page.content.decode()
    assert "Интернет-статистика" in page.content.decode()
