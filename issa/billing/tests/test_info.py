"""INFO-2, INFO-3, INFO-4: the personal information pages and /api/me, read through one's own
subscriber only; PIN/PUK only on an explicit, audited, uncached request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.catalog.models import Allowance, Kind, Service, ServiceTerms, TariffPlan
from issa.customers.models import Account
from issa.identity.models import AuditEvent
from issa.subscribers.models import Product, Subscriber
from issa.testing.factories import (
    PlanTermsFactory,
    ServiceFactory,
    TariffPlanFactory,
    UserFactory,
    subscriber_with_balance,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def subscriber(db):
    plan = TariffPlanFactory(code="smart", name="Смарт", benefits="Безлимит внутри сети\nСоцсети без трафика")
    terms = PlanTermsFactory(plan=plan, fee=Decimal("19.90"))
    Allowance.objects.create(plan_terms=terms, kind=Kind.VOICE, quantity=300 * 60)
    Allowance.objects.create(plan_terms=terms, kind=Kind.SMS, quantity=100)
    Allowance.objects.create(plan_terms=terms, kind=Kind.DATA, quantity=5 * 1024**3)
    promo = ServiceFactory(code="promo-min", name="Акция 100 минут", kind=Service.Kind.PACKAGE)
    sterms = ServiceTerms.objects.create(service=promo, valid_from=datetime(2020, 1, 1, tzinfo=UTC))
    Allowance.objects.create(service_terms=sterms, kind=Kind.VOICE, quantity=100 * 60)
    sub = subscriber_with_balance(1234, now=datetime(2026, 9, 1, tzinfo=UTC), plan=plan)
    Product.objects.create(subscriber=sub, service=promo, active_from=datetime(2026, 10, 1, tzinfo=UTC))
    return sub


@pytest.fixture
def user(subscriber):
    return UserFactory(subscriber=subscriber, date_joined=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))


def _charge(sub: Subscriber, amount: int, kind: str, when: datetime, key: str) -> None:
    ledger_post(
        account=sub.account,
        subscriber=sub,
        amount=amount,
        kind=kind,
        reason=key,
        idempotency_key=key,
        now=when,
        effective_at=when,
    )


@time_machine.travel(NOW, tick=False)
def test_info_2_personal_page_shows_plan_balance_status_dates_and_allowances(
    client, subscriber, user, django_assert_max_num_queries
):
    client.force_login(user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("portal:info"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Смарт" in html
    assert "12,34\u00a0руб." in html
    assert "Авансовый" in html  # prepaid, in the core catalogue's words
    assert "Безлимит внутри сети" in html
    assert "04.03.2026" in html  # registered in ISSA (Minsk time 08:06)
    assert '<progress id="allowance-1" max="300" value="300"' in html  # minutes, labelled
    assert '<label for="allowance-1">' in html
    assert 'max="5120"' in html  # 5 GB in MB
    assert "PIN/PUK" in html
    assert "Сменить пароль" in html  # the seed: the password can be changed right there
    assert "1234" not in html.replace("12,34", "")  # the PIN is not on the page until asked for


@time_machine.travel(NOW, tick=False)
def test_info_2_paused_subscriber_sees_service_suspended_at_own_request(client, subscriber, user):
    pause = ServiceFactory(code="pause", kind=Service.Kind.PAUSE)
    Product.objects.create(subscriber=subscriber, service=pause, active_from=datetime(2026, 11, 18, tzinfo=UTC))
    client.force_login(user)
    html = client.get(reverse("portal:info")).content.decode()
    assert "Обслуживание приостановлено по Вашей инициативе" in html


@time_machine.travel(NOW, tick=False)
def test_info_3_additional_page_client_account_previous_month_charges_promo_ip(
    client, subscriber, user, django_assert_max_num_queries
):
    october = datetime(2026, 10, 10, 12, tzinfo=UTC)
    _charge(subscriber, -1990, LedgerEntry.Kind.SUBSCRIPTION_FEE, october, "f1")
    _charge(subscriber, -257, LedgerEntry.Kind.USAGE, october, "u1")
    _charge(subscriber, 5000, LedgerEntry.Kind.PAYMENT, october, "p1")  # a payment is not a charge
    _charge(subscriber, -100, LedgerEntry.Kind.USAGE, datetime(2026, 11, 2, tzinfo=UTC), "u2")  # this month
    # 31 Oct 23:30 Minsk is October; 31 Oct 22:30 UTC is 1 Nov in Minsk: November
    _charge(subscriber, -1, LedgerEntry.Kind.USAGE, datetime(2026, 10, 31, 20, 30, tzinfo=UTC), "u3")
    _charge(subscriber, -7, LedgerEntry.Kind.USAGE, datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "u4")
    client.force_login(user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("portal:info_more"), REMOTE_ADDR="203.0.113.7")
    html = response.content.decode()
    assert str(subscriber.account.client_id) in html
    assert subscriber.account.number in html
    assert "15.01.2025" in html
    assert "22,48\u00a0руб." in html  # 19.90 + 2.57 + 0.01
    assert "Акция 100 минут: 100" in html
    assert "203.0.113.7" in html


@time_machine.travel(NOW, tick=False)
def test_info_4_pin_puk_only_on_explicit_post_audited_and_not_cached(client, subscriber, user):
    client.force_login(user)
    assert client.get(reverse("portal:info_pin_puk")).status_code == 302  # a GET reveals nothing
    assert not AuditEvent.objects.filter(action="sim.codes_revealed").exists()
    response = client.post(reverse("portal:info_pin_puk"), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("1234", "12345678", "5678", "87654321"):
        assert code in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="sim.codes_revealed")
    assert (event.subscriber_id, event.actor_id, event.ip, event.channel) == (
        subscriber.pk,
        user.pk,
        "198.51.100.9",
        "web",
    )
    assert "1234" not in str(event.details)
    htmx = client.post(reverse("portal:info_pin_puk"), HTTP_HX_REQUEST="true")
    assert "<html" not in htmx.content.decode()
    assert "87654321" in htmx.content.decode()
    assert AuditEvent.objects.filter(action="sim.codes_revealed").count() == 2


@pytest.mark.django_db
def test_info_2_pages_need_login_and_a_subscriber(client):
    for name in ("portal:info", "portal:info_more"):
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("portal:info_pin_puk")).status_code == 302
    client.force_login(UserFactory(subscriber=None))
    assert client.get(reverse("portal:info")).status_code == 404
    assert client.post(reverse("portal:info_pin_puk")).status_code == 404
    assert not AuditEvent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_info_4_another_subscribers_data_is_unreachable(client, subscriber, user):
    other = subscriber_with_balance(99999, plan=TariffPlanFactory(code="other", name="Чужой"))
    other.sim.set_codes(pin1="9999", puk1="99999999", pin2="8888", puk2="88888888")
    other.sim.save()
    client.force_login(user)
    for url in (reverse("portal:info"), reverse("portal:info_more"), "/api/me/info", "/api/me/info/more"):
        body = client.get(url, {"subscriber": other.pk, "msisdn": other.msisdn}).content.decode()
        assert "999,99" not in body
        assert "Чужой" not in body
        assert other.account.number not in body
    codes = client.post("/api/me/pin-puk", {"subscriber": other.pk}, content_type="application/json").json()
    assert codes["pin1"] == "1234"
    assert not AuditEvent.objects.filter(subscriber=other).exists()


@time_machine.travel(NOW, tick=False)
def test_info_2_api_returns_the_same_data(client, subscriber, user, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(20):
        data = client.get("/api/me/info").json()
    assert data["plan"] == "Смарт"
    assert data["balance_kopecks"] == 1234
    assert data["payment_method"] == Account.PaymentMethod.PREPAID
    assert data["status"] == "active"
    voice = [a for a in data["allowances"] if a["kind"] == "voice"]
    assert {(a["total"], a["unit"], a["promotional"]) for a in voice} == {(300, "min", False), (100, "min", True)}
    more = client.get("/api/me/info/more", REMOTE_ADDR="192.0.2.1").json()
    assert more["account_number"] == subscriber.account.number
    assert more["ip"] == "192.0.2.1"
    assert more["previous_period"] == "2026-10"


@time_machine.travel(NOW, tick=False)
def test_info_4_api_pin_puk_with_bearer_token_audited_no_store(client, subscriber, user):
    from issa.identity.actor import Actor
    from issa.identity.services import token_create

    _token, raw = token_create(user=user, name="app", actor=Actor(channel="api"), now=NOW)
    assert client.get("/api/me/pin-puk").status_code == 405
    denied = client.post("/api/me/pin-puk")
    assert denied.status_code == 401
    response = client.post("/api/me/pin-puk", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json() == {"pin1": "1234", "puk1": "12345678", "pin2": "5678", "puk2": "87654321"}
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="sim.codes_revealed", channel="api", subscriber=subscriber).count() == 1


@pytest.mark.django_db
def test_info_2_catalogue_totals_until_rating_counts(subscriber):
    from issa.billing.info import remaining_allowances

    lines = remaining_allowances(subscriber=subscriber, now=NOW)
    assert [(line.kind, line.total, line.unit, line.promotional) for line in lines] == [
        ("voice", 300, "min", False),
        ("voice", 100, "min", True),
        ("sms", 100, "pcs", False),
        ("data", 5120, "MB", False),
    ]
    assert TariffPlan.objects.count() == 1
    assert date(2026, 11, 20) == NOW.date()
