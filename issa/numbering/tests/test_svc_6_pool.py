"""SVC-6: the number pool — categories by pattern, mask search, reservations, quarantine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from issa.core.errors import DomainError
from issa.identity.models import AuditEvent
from issa.numbering import selectors, services
from issa.numbering.models import PoolNumber
from issa.numbering.patterns import category_of, parse_mask
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory

from .conftest import ACTOR, NOW

State = PoolNumber.State


def _reserved(sub: Subscriber) -> str | None:
    row = selectors.reservation_of(subscriber_id=sub.pk, now=NOW)
    return row.msisdn if row is not None else None


@pytest.mark.parametrize(
    ("msisdn", "code"),
    [
        ("375295777777", "platinum"),
        ("375297777777", "platinum"),
        ("375295155555", "diamond"),
        ("375291234567", "diamond"),
        ("375299876543", "diamond"),
        ("375295128888", "gold"),
        ("375295112233", "gold"),
        ("375295121212", "gold"),
        ("375295123999", "silver"),
        ("375295121122", "silver"),
        ("375295124545", "silver"),
        ("375295121441", "silver"),
        ("375295123400", "bronze"),
        ("375295193456", "bronze"),
        ("375295196543", "bronze"),
        ("375295123477", "simple"),
        ("375442987123", "simple"),
    ],
)
def test_svc_6_category_follows_the_pattern(msisdn, code):
    assert category_of(msisdn) == code


@pytest.mark.parametrize(
    ("raw", "regex"),
    [
        ("%%%%777", "^375[0-9][0-9][0-9][0-9][0-9][0-9]777$"),
        ("29%%%%777", "^37529[0-9][0-9][0-9][0-9]777$"),
        ("+375 29 %%%-77-77", "^37529[0-9][0-9][0-9]7777$"),
        ("29___1234", "^37529[0-9][0-9][0-9]1234$"),
    ],
)
def test_svc_6_mask_becomes_a_digits_only_regex(raw, regex):
    assert parse_mask(raw).regex == regex


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "777",  # too short
        "29%%%%7777",  # 10: no such length
        "29%%%a777",  # a letter
        "29%%%'777",  # a quote
        "%'; DROP TABLE numbering_poolnumber; --",
        "29.*.*777",  # regex syntax is not a mask
        "376%%%%%%777",  # 12 characters must start with 375
        "%%%%%%%",  # nothing fixed
    ],
)
def test_svc_6_bad_mask_is_refused(raw):
    with pytest.raises(DomainError) as err:
        parse_mask(raw)
    assert err.value.field == "mask"


def test_svc_6_search_by_mask(pool):
    found = list(selectors.numbers_offered(now=NOW, mask=parse_mask("%%%%777")).values_list("msisdn", flat=True))
    assert found == ["375295777777", "375442981777"]
    found = list(selectors.numbers_offered(now=NOW, mask=parse_mask("29%%%%777")).values_list("msisdn", flat=True))
    assert found == ["375295777777"]
    found = list(selectors.numbers_offered(now=NOW, mask=parse_mask("44%%%%%%%")).values_list("msisdn", flat=True))
    assert sorted(found) == ["375442981777", "375442987123"]


def test_svc_6_search_by_category_and_prices(pool):
    gold = list(selectors.numbers_offered(now=NOW, category="gold").values_list("msisdn", flat=True))
    assert gold == ["375295112233", "375295128888"]
    prices = {c.code: selectors.category_price_kopecks(c) for c in selectors.categories()}
    assert prices == {"platinum": 49900, "diamond": 29900, "gold": 14900, "silver": 4900, "bronze": 1900, "simple": 0}
    # the most precious first in the default offer
    first = selectors.numbers_offered(now=NOW).first()
    assert first is not None
    assert first.msisdn == "375295777777"


def test_svc_6_reserve_holds_the_number_for_fifteen_minutes(pool):
    sub = SubscriberFactory()
    number = services.number_reserve(subscriber=sub, msisdn="+375 29 577-77-77", actor=ACTOR, now=NOW)
    assert number.state == State.RESERVED
    assert number.holder_id == sub.pk
    assert number.reserved_until == NOW + timedelta(minutes=15)
    assert "375295777777" not in set(selectors.numbers_offered(now=NOW).values_list("msisdn", flat=True))
    assert _reserved(sub) == "375295777777"
    assert AuditEvent.objects.filter(action="number.reserve", subscriber=sub).count() == 1


def test_svc_6_reserved_number_refused_to_another_and_nothing_changes(pool):
    first, second = SubscriberFactory(), SubscriberFactory()
    services.number_reserve(subscriber=first, msisdn="375295777777", actor=ACTOR, now=NOW)
    before = list(PoolNumber.objects.values_list("msisdn", "state", "holder_id", "reserved_until"))
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as err:
        services.number_reserve(subscriber=second, msisdn="375295777777", actor=ACTOR, now=NOW + timedelta(minutes=14))
    assert err.value.code == "number_taken"
    assert list(PoolNumber.objects.values_list("msisdn", "state", "holder_id", "reserved_until")) == before
    assert AuditEvent.objects.count() == audits


def test_svc_6_lapsed_reservation_can_be_taken_by_another(pool):
    first, second = SubscriberFactory(), SubscriberFactory()
    services.number_reserve(subscriber=first, msisdn="375295777777", actor=ACTOR, now=NOW)
    later = NOW + timedelta(minutes=15)
    assert "375295777777" in set(selectors.numbers_offered(now=later).values_list("msisdn", flat=True))
    number = services.number_reserve(subscriber=second, msisdn="375295777777", actor=ACTOR, now=later)
    assert number.holder_id == second.pk
    assert selectors.reservation_of(subscriber_id=first.pk, now=later) is None


def test_svc_6_one_reservation_at_a_time(pool):
    sub = SubscriberFactory()
    services.number_reserve(subscriber=sub, msisdn="375295777777", actor=ACTOR, now=NOW)
    services.number_reserve(subscriber=sub, msisdn="375295128888", actor=ACTOR, now=NOW)
    assert PoolNumber.objects.get(msisdn="375295777777").state == State.FREE
    assert _reserved(sub) == "375295128888"


def test_svc_6_release_own_reservation(pool):
    sub, other = SubscriberFactory(), SubscriberFactory()
    services.number_reserve(subscriber=sub, msisdn="375295777777", actor=ACTOR, now=NOW)
    with pytest.raises(DomainError):
        services.number_release(subscriber=other, msisdn="375295777777", actor=ACTOR, now=NOW)
    assert PoolNumber.objects.get(msisdn="375295777777").holder_id == sub.pk
    services.number_release(subscriber=sub, msisdn="375295777777", actor=ACTOR, now=NOW)
    assert PoolNumber.objects.get(msisdn="375295777777").state == State.FREE


@pytest.mark.parametrize(
    ("status", "msisdn", "code"),
    [
        (Subscriber.Status.PAUSED, "375295777777", "service_suspended"),
        (Subscriber.Status.SUSPENDED_OPERATOR, "375295777777", "service_suspended"),
        (Subscriber.Status.ACTIVE, "375299999999", "number_not_offered"),
        (Subscriber.Status.ACTIVE, "12345", "invalid_msisdn"),
    ],
)
def test_svc_6_reservation_refused_changes_nothing(pool, status, msisdn, code):
    sub = SubscriberFactory(status=status)
    before = list(PoolNumber.objects.values_list("msisdn", "state", "holder_id", "reserved_until"))
    with pytest.raises(DomainError) as err:
        services.number_reserve(subscriber=sub, msisdn=msisdn, actor=ACTOR, now=NOW)
    assert err.value.code == code
    assert list(PoolNumber.objects.values_list("msisdn", "state", "holder_id", "reserved_until")) == before
    assert not AuditEvent.objects.filter(action="number.reserve").exists()


def test_svc_6_own_number_cannot_be_reserved(pool):
    sub = SubscriberFactory(msisdn="375295123477")
    with pytest.raises(DomainError) as err:
        services.number_reserve(subscriber=sub, msisdn=sub.msisdn, actor=ACTOR, now=NOW)
    assert err.value.code == "number_is_yours"


def test_svc_6_lapsed_reservations_are_swept(pool):
    sub = SubscriberFactory()
    services.number_reserve(subscriber=sub, msisdn="375295777777", actor=ACTOR, now=NOW)
    assert services.reservations_expire(now=NOW + timedelta(minutes=14)) == 0
    assert services.reservations_expire(now=NOW + timedelta(minutes=15)) == 1
    row = PoolNumber.objects.get(msisdn="375295777777")
    assert (row.state, row.holder_id, row.reserved_until) == (State.FREE, None, None)


def test_svc_6_quarantine_release(pool):
    PoolNumber.objects.filter(msisdn="375295128888").update(
        state=State.QUARANTINE, quarantine_until=NOW + timedelta(days=90)
    )
    assert "375295128888" not in set(selectors.numbers_offered(now=NOW).values_list("msisdn", flat=True))
    sub = SubscriberFactory()
    with pytest.raises(DomainError) as err:
        services.number_reserve(subscriber=sub, msisdn="375295128888", actor=ACTOR, now=NOW)
    assert err.value.code == "number_taken"
    assert services.quarantine_release(now=NOW + timedelta(days=89)) == 0
    assert services.quarantine_release(now=NOW + timedelta(days=90)) == 1
    assert PoolNumber.objects.get(msisdn="375295128888").state == State.FREE
    assert AuditEvent.objects.filter(action="number.quarantine_release").count() == 1


def test_svc_6_pool_add_skips_numbers_in_use(categories):
    sub = SubscriberFactory(msisdn="375295000001")
    added = services.pool_add(msisdns=["375295000001", "375295777777", "+375 29 577-77-77"], now=NOW)
    assert added == 1
    assert not PoolNumber.objects.filter(msisdn=sub.msisdn).exists()
    assert PoolNumber.objects.get(msisdn="375295777777").category.code == "platinum"


def test_svc_6_demo_pool_categories_match_their_patterns():
    from issa.demo.loaders.numbering import TARGETS, numbers

    pool = numbers()
    assert {code: len(group) for code, group in pool.items()} == TARGETS
    assert all(category_of(m) == code for code, group in pool.items() for m in group)
    assert numbers() == pool  # the same on every run
