"""FIN-4: express-card expiry ("valid until") and voiding (a batch or chosen cards), with the
``payments.void_expresscard`` right, its audit, the batch's counts and the void/redeem race."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.utils import timezone, translation

from issa.backoffice.roles import ROLE_BY_KEY
from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core import clock, rules
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.payments.models import ExpressCard, ExpressCardBatch, Receipt
from issa.payments.services import (
    express_batch_export,
    express_batch_issue,
    express_batch_void,
    express_card_redeem,
    express_cards_void,
)
from issa.testing.factories import subscriber_with_balance
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db

BATCHES = "/staff/payments/expresscardbatch/"
CARDS = "/staff/payments/expresscard/"
MINSK = clock.OPERATOR_TZ


def _issue(n: int = 3, value: int = 1000, *, now: datetime | None = None, valid_until: date | None = None) -> Any:
    return express_batch_issue(
        face_value=value,
        quantity=n,
        note="",
        actor=Actor.system("t"),
        now=now or timezone.now(),
        valid_until=valid_until,
    )


def _web(ip: str = "10.0.0.1") -> Actor:
    return Actor(channel="web", ip=ip)


def _staff(role: str | None = "finance", *, username: str | None = None) -> tuple[Client, User]:
    user = User.objects.create_user(username or f"t-{role}", None, kind=User.Kind.STAFF, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=ROLE_BY_KEY[role].name))
    client = Client()
    staff_login(client, user)
    return client, user


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        ExpressCard.objects.order_by("pk").values_list(
            "pk", "state", "voided_at", "voided_by", "void_reason", "redeemed_at", "redeemed_subscriber"
        )
    )


# --- expiry ---------------------------------------------------------------------------------


def test_fin_4_batch_valid_until_defaults_to_the_published_rule_and_is_in_the_printer_file() -> None:
    now = datetime(2026, 11, 25, 22, 30, tzinfo=MINSK)  # already the 25th in Minsk, 19:30 UTC
    batch, codes = _issue(2, now=now)
    assert rules.get("EXPRESS_CARD_VALID_DAYS") == 365
    assert batch.valid_until == date(2026, 11, 25) + timedelta(days=365)
    _name, content, _mime = express_batch_export(batch=batch, codes=codes, fmt="csv")
    rows = list(csv.reader(io.StringIO(content.decode()), delimiter=";"))
    assert rows[0] == ["serial", "code", "face_value_byn", "valid_until"]
    assert [r[3] for r in rows[1:]] == ["25.11.2027", "25.11.2027"]


def test_fin_4_batch_valid_until_must_be_after_today() -> None:
    now = timezone.now()
    with pytest.raises(DomainError) as err:
        _issue(1, now=now, valid_until=clock.local_date(now))
    assert err.value.code == "express_valid_until"
    assert not ExpressCardBatch.objects.exists()
    assert not ExpressCard.objects.exists()


def test_fin_4_expired_card_refused_with_its_date_and_nothing_changes() -> None:
    issued = datetime(2026, 1, 10, 12, 0, tzinfo=MINSK)
    _batch, codes = _issue(1, 1500, now=issued, valid_until=date(2026, 3, 31))
    subscriber = subscriber_with_balance(100)
    before_cards = _snapshot()
    after_last_day = datetime(2026, 4, 1, 0, 5, tzinfo=MINSK)
    with pytest.raises(DomainError) as err:
        express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=after_last_day)
    assert err.value.code == "express_card_expired"
    assert err.value.http_status == 409
    with translation.override("en"):
        assert err.value.text() == "This card expired on 31.03.2026 and can no longer be used."
    assert _snapshot() == before_cards
    assert account_balance(account_id=subscriber.account_id) == 100
    assert not LedgerEntry.objects.filter(kind="payment").exists()
    assert not Receipt.objects.exists()
    assert list(AuditEvent.objects.filter(action="express.redeem").values_list("outcome", flat=True)) == ["expired"]


def test_fin_4_expired_message_is_translated() -> None:
    _batch, codes = _issue(1, now=datetime(2026, 1, 10, tzinfo=MINSK), valid_until=date(2026, 3, 31))
    with pytest.raises(DomainError) as err:
        express_card_redeem(
            subscriber=subscriber_with_balance(0), code=codes[0], actor=_web(), now=datetime(2026, 5, 1, tzinfo=MINSK)
        )
    with translation.override("ru"):
        assert err.value.text() == "Срок действия карты истёк 31.03.2026, воспользоваться ею больше нельзя."
    with translation.override("be"):
        assert err.value.text() == "Тэрмін дзеяння карткі скончыўся 31.03.2026, скарыстацца ёю больш нельга."


def test_fin_4_card_redeems_on_its_last_valid_day_in_minsk() -> None:
    _batch, codes = _issue(1, 700, now=datetime(2026, 1, 10, tzinfo=MINSK), valid_until=date(2026, 3, 31))
    subscriber = subscriber_with_balance(0)
    express_card_redeem(
        subscriber=subscriber, code=codes[0], actor=_web(), now=datetime(2026, 3, 31, 23, 55, tzinfo=MINSK)
    )
    assert account_balance(account_id=subscriber.account_id) == 700


def test_fin_4_staff_issue_with_chosen_valid_until() -> None:
    client, _user = _staff("finance")
    until = clock.local_date(timezone.now()) + timedelta(days=30)
    response = client.post(
        f"{BATCHES}issue/",
        {"face_value": "5", "quantity": "2", "fmt": "csv", "note": "", "valid_until": until.isoformat()},
    )
    assert response.status_code == 200
    assert ExpressCardBatch.objects.get().valid_until == until
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[1][3] == f"{until:%d.%m.%Y}"


# --- voiding --------------------------------------------------------------------------------


def test_fin_4_void_batch_voids_active_cards_and_lists_redeemed_ones() -> None:
    batch, codes = _issue(3, 1000)
    subscriber = subscriber_with_balance(0)
    express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=timezone.now())
    _client, staff = _staff("finance")
    now = timezone.now()
    result = express_batch_void(
        batch=batch, reason="stolen shipment", actor=Actor(channel="admin", user=staff), now=now
    )
    assert (result.voided, result.already_void, result.redeemed) == (2, 0, 1)
    assert [c["last4"] for c in result.redeemed_cards] == [codes[0][-4:]]
    assert result.redeemed_cards[0]["redeemed_subscriber__msisdn"] == subscriber.msisdn
    redeemed = ExpressCard.objects.get(state=ExpressCard.State.REDEEMED)
    assert redeemed.last4 == codes[0][-4:]
    assert redeemed.voided_at is None
    voided = ExpressCard.objects.filter(state=ExpressCard.State.VOID)
    assert {c.last4 for c in voided} == {codes[1][-4:], codes[2][-4:]}
    assert {(c.voided_at, c.voided_by_id, c.void_reason) for c in voided} == {(now, staff.pk, "stolen shipment")}
    assert account_balance(account_id=subscriber.account_id) == 1000  # the redeemed money stays


def test_fin_4_voided_card_is_answered_like_an_unknown_code_and_credits_nothing() -> None:
    batch, codes = _issue(2, 1000)
    express_batch_void(batch=batch, reason="lost at the printer", actor=Actor.system("t"), now=timezone.now())
    subscriber = subscriber_with_balance(50)
    with pytest.raises(DomainError) as voided:
        express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=timezone.now())
    unknown_code = "00000000000000"  # valid Luhn, never issued
    with pytest.raises(DomainError) as unknown:
        express_card_redeem(subscriber=subscriber, code=unknown_code, actor=_web(), now=timezone.now())
    assert voided.value.as_dict() == unknown.value.as_dict()
    assert voided.value.http_status == unknown.value.http_status == 404
    assert account_balance(account_id=subscriber.account_id) == 50
    assert not LedgerEntry.objects.filter(kind="payment").exists()
    assert ExpressCard.objects.filter(state=ExpressCard.State.VOID).count() == 2
    outcomes = list(AuditEvent.objects.filter(action="express.redeem").order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["void", "unknown_code"]  # staff can still tell them apart


def test_fin_4_void_counts_as_a_wrong_code_for_the_rate_limit() -> None:
    batch, codes = _issue(1)
    express_batch_void(batch=batch, reason="stolen", actor=Actor.system("t"), now=timezone.now())
    subscriber = subscriber_with_balance(0)
    for _ in range(int(rules.get("EXPRESS_CARD_FAILURES_PER_SUBSCRIBER"))):
        with pytest.raises(DomainError):
            express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=timezone.now())
    with pytest.raises(DomainError) as err:
        express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=timezone.now())
    assert err.value.code == "express_too_many_attempts"


def test_fin_4_void_single_cards_through_the_admin_action() -> None:
    _issue(3, 1000)
    cards = list(ExpressCard.objects.order_by("pk"))
    client, staff = _staff("finance")
    chosen = [str(cards[0].pk), str(cards[1].pk)]
    ask = client.post(CARDS, {"action": "void_selected", "_selected_action": chosen})
    assert ask.status_code == 200
    assert "reason" in ask.content.decode()
    assert not ExpressCard.objects.filter(state=ExpressCard.State.VOID).exists()  # asked first, nothing done
    done = client.post(
        CARDS, {"action": "void_selected", "_selected_action": chosen, "apply": "1", "reason": "lost at the printer"}
    )
    assert done.status_code == 200
    assert set(ExpressCard.objects.filter(state=ExpressCard.State.VOID).values_list("pk", flat=True)) == {
        cards[0].pk,
        cards[1].pk,
    }
    assert ExpressCard.objects.get(pk=cards[2].pk).state == ExpressCard.State.ACTIVE
    event = AuditEvent.objects.get(action="express.void")
    assert event.actor_id == staff.pk
    assert event.channel == "admin"
    assert event.details["scope"] == "cards"
    assert event.details["cards"] == [cards[0].pk, cards[1].pk]
    assert event.details["reason"] == "lost at the printer"
    assert event.details["voided"] == 2


def test_fin_4_redeemed_card_cannot_be_voided_and_is_listed() -> None:
    _batch, codes = _issue(1, 2500)
    subscriber = subscriber_with_balance(0)
    express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(), now=timezone.now())
    before = _snapshot()
    result = express_cards_void(
        cards=ExpressCard.objects.all(), reason="stolen", actor=Actor.system("t"), now=timezone.now()
    )
    assert (result.voided, result.already_void, result.redeemed) == (0, 0, 1)
    assert result.redeemed_cards[0]["face_value"] == 2500
    assert _snapshot() == before
    assert account_balance(account_id=subscriber.account_id) == 2500
    assert AuditEvent.objects.get(action="express.void").outcome == "unchanged"


def test_fin_4_void_is_idempotent() -> None:
    batch, _codes = _issue(2)
    first_at = timezone.now()
    first = express_batch_void(batch=batch, reason="stolen", actor=Actor.system("t"), now=first_at)
    after_first = _snapshot()
    second = express_batch_void(batch=batch, reason="again", actor=Actor.system("t"), now=first_at + timedelta(hours=1))
    assert (first.voided, first.already_void) == (2, 0)
    assert (second.voided, second.already_void, second.redeemed) == (0, 2, 0)
    assert _snapshot() == after_first  # first reason and time kept
    assert list(AuditEvent.objects.filter(action="express.void").order_by("pk").values_list("outcome", flat=True)) == [
        "ok",
        "unchanged",
    ]


def test_fin_4_void_without_a_reason_is_refused_and_nothing_changes() -> None:
    batch, _codes = _issue(2)
    client, _user = _staff("finance")
    before = _snapshot()
    response = client.post(f"{BATCHES}{batch.pk}/void/", {"reason": "   "})
    assert response.status_code == 200
    assert _snapshot() == before
    with pytest.raises(DomainError) as err:
        express_batch_void(batch=batch, reason=" ", actor=Actor.system("t"), now=timezone.now())
    assert err.value.code == "express_void_reason"
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action="express.void").exists()


def test_fin_4_void_batch_in_the_back_office_audited_who_why_how_many() -> None:
    batch, codes = _issue(4, 1000)
    express_card_redeem(subscriber=subscriber_with_balance(0), code=codes[0], actor=_web(), now=timezone.now())
    client, staff = _staff("finance")
    form = client.get(f"{BATCHES}{batch.pk}/void/")
    assert form.status_code == 200
    response = client.post(f"{BATCHES}{batch.pk}/void/", {"reason": "stolen shipment"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"…{codes[0][-4:]}" in page
    assert ExpressCard.objects.filter(state=ExpressCard.State.VOID).count() == 3
    event = AuditEvent.objects.get(action="express.void")
    assert event.actor_id == staff.pk
    assert event.object_type == "payments.ExpressCardBatch"
    assert event.object_id == str(batch.pk)
    assert event.outcome == "ok"
    assert event.details == {
        "reason": "stolen shipment",
        "scope": "batch",
        "batches": [batch.number],
        "voided": 3,
        "already_void": 0,
        "redeemed": 1,
    }


def test_fin_4_void_needs_its_own_right_403_and_nothing_changes() -> None:
    batch, _codes = _issue(2)
    client, user = _staff(None, username="viewer")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payments", codename__in=["view_expresscard", "view_expresscardbatch"]
        )
    )
    assert client.get(f"{BATCHES}{batch.pk}/change/").status_code == 200  # may look, not void
    assert "void/" not in client.get(f"{BATCHES}{batch.pk}/change/").content.decode()
    before = _snapshot()
    audit_before = AuditEvent.objects.count()
    assert client.get(f"{BATCHES}{batch.pk}/void/").status_code == 403
    assert client.post(f"{BATCHES}{batch.pk}/void/", {"reason": "x"}).status_code == 403
    chosen = [str(pk) for pk in ExpressCard.objects.values_list("pk", flat=True)]
    listing = client.get(CARDS)
    assert listing.status_code == 200
    assert "void_selected" not in listing.content.decode()
    client.post(CARDS, {"action": "void_selected", "_selected_action": chosen, "apply": "1", "reason": "x"})
    billing, _ = _staff("billing")  # a role without the right
    assert billing.post(f"{BATCHES}{batch.pk}/void/", {"reason": "x"}).status_code == 403
    assert _snapshot() == before
    assert AuditEvent.objects.count() == audit_before


def test_fin_4_finance_role_holds_the_void_right() -> None:
    _client, user = _staff("finance")
    assert user.has_perm("payments.void_expresscard")
    assert "payments.void_expresscard" in ROLE_BY_KEY["finance"].permissions
    assert "payments.void_expresscard" not in ROLE_BY_KEY["billing"].permissions


# --- the batch's page -----------------------------------------------------------------------


def test_fin_4_batch_page_shows_issued_redeemed_sum_voided_expired_remaining(
    django_assert_max_num_queries: Any,
) -> None:
    batch, codes = _issue(5, 1000)
    subscriber = subscriber_with_balance(0)
    for code in codes[:2]:
        express_card_redeem(subscriber=subscriber, code=code, actor=_web(), now=timezone.now())
    first_active = ExpressCard.objects.filter(state=ExpressCard.State.ACTIVE).order_by("pk").first()
    assert first_active is not None
    express_cards_void(
        cards=ExpressCard.objects.filter(pk=first_active.pk),
        reason="lost",
        actor=Actor.system("t"),
        now=timezone.now(),
    )
    client, _user = _staff("finance")
    with django_assert_max_num_queries(20):
        response = client.get(f"{BATCHES}{batch.pk}/change/")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert {k: counts[k] for k in ("issued", "redeemed", "redeemed_sum", "voided", "expired", "remaining")} == {
        "issued": 5,
        "redeemed": 2,
        "redeemed_sum": 2000,
        "voided": 1,
        "expired": 0,
        "remaining": 2,
    }
    page = response.content.decode()
    assert "20,00" in page
    assert f"{BATCHES}{batch.pk}/void/" in page


def test_fin_4_batch_counts_cards_left_after_the_last_day_as_expired() -> None:
    from issa.payments.selectors import express_batch_counts

    batch, codes = _issue(3, 500, now=datetime(2026, 1, 10, tzinfo=MINSK), valid_until=date(2026, 2, 1))
    express_card_redeem(
        subscriber=subscriber_with_balance(0), code=codes[0], actor=_web(), now=datetime(2026, 1, 20, tzinfo=MINSK)
    )
    assert express_batch_counts(batch=batch, now=datetime(2026, 2, 1, 23, tzinfo=MINSK)) == {
        "issued": 3,
        "redeemed": 1,
        "redeemed_sum": 500,
        "voided": 0,
        "expired": 0,
        "remaining": 2,
    }
    assert express_batch_counts(batch=batch, now=datetime(2026, 2, 2, 0, 1, tzinfo=MINSK)) == {
        "issued": 3,
        "redeemed": 1,
        "redeemed_sum": 500,
        "voided": 0,
        "expired": 2,
        "remaining": 0,
    }


# --- the race (PostgreSQL) ------------------------------------------------------------------


def _race_once(n: int) -> str:
    batch, codes = _issue(1, 1000)
    subscriber = subscriber_with_balance(0)
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def redeem() -> None:
        try:
            barrier.wait()
            express_card_redeem(subscriber=subscriber, code=codes[0], actor=_web(f"10.1.0.{n}"), now=timezone.now())
            results["redeem"] = "won"
        except DomainError as error:
            results["redeem"] = error.code
        finally:
            connections.close_all()

    def void() -> None:
        try:
            barrier.wait()
            results["void"] = express_batch_void(
                batch=batch, reason="stolen", actor=Actor.system("t"), now=timezone.now()
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem), threading.Thread(target=void)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    card = ExpressCard.objects.get(batch=batch)
    balance = account_balance(account_id=subscriber.account_id)
    voided = results["void"]
    if results["redeem"] == "won":
        assert card.state == ExpressCard.State.REDEEMED
        assert (voided.voided, voided.redeemed) == (0, 1)
        assert balance == 1000
        return "redeem"
    assert results["redeem"] == "express_code_unknown"
    assert card.state == ExpressCard.State.VOID
    assert (voided.voided, voided.redeemed) == (1, 0)
    assert balance == 0
    assert not LedgerEntry.objects.filter(idempotency_key=f"express:{card.pk}").exists()
    return "void"


@pytest.mark.django_db(transaction=True)
def test_fin_4_void_racing_a_redemption_exactly_one_wins() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    outcomes = [_race_once(n) for n in range(6)]
    assert set(outcomes) <= {"redeem", "void"}
    assert len(outcomes) == 6
