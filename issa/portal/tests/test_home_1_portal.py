"""HOME-1 in the portal: a home and office user's menu, «Мой договор», «Трафик», and the shared
bills, payment history and card top-up pages, with exact figures; mobile-only areas and other
contracts' data are out of reach (404)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.billing.services import ledger_post
from issa.catalog.models import PlanTerms, TariffPlan
from issa.core.clock import OPERATOR_TZ
from issa.customers.models import Client as Contract
from issa.identity.models import User
from issa.payments.models import Payment
from issa.portal import menu
from issa.subscribers.models import Subscriber
from issa.testing.factories import ClientFactory, SubscriberFactory, TariffPlanFactory, subscriber_with_balance
from issa.usage.models import UsageRecord
from issa.usage.storage import ensure_partitions

pytestmark = pytest.mark.django_db

PASSWORD = "Kx7mQ2vz"
GB = 1024**3
MB = 1024**2


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


NOW = minsk(2026, 11, 20, 12)
_fixed = iter(range(2_000_001, 2_999_999))
_seq = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    ensure_partitions([f"2026-{m:02d}" for m in range(4, 13)])
    with time_machine.travel(NOW, tick=False):
        yield


def home_plan() -> TariffPlan:
    plan: TariffPlan = TariffPlanFactory(
        code="home-100",
        name="Домашний интернет 100",
        kind=TariffPlan.Kind.HOME,
        description="Безлимитный интернет до 100 Мбит/с.",
    )
    PlanTerms.objects.get_or_create(plan=plan, valid_from=minsk(2025, 1, 1), defaults={"fee": Decimal("27.9000")})
    return plan


def home_line(kopecks: int = 2540, **kwargs: Any) -> Subscriber:
    client = ClientFactory(name="Соловьёв Егор Анатольевич", address="г. Минск, ул. Кирова, д. 20, кв. 16")
    line: Subscriber = subscriber_with_balance(
        kopecks,
        now=minsk(2026, 10, 1),
        msisdn=f"37517{next(_fixed):07d}",
        plan=home_plan(),
        device=Subscriber.Device.MODEM,
        account__client=client,
        **kwargs,
    )
    return line


def home_user(line: Subscriber, login: str) -> User:
    return User.objects.create_user(login, PASSWORD, kind=User.Kind.HOME, subscriber=line, full_name=line.display_name)


def logged_in(user: User) -> Client:
    web = Client()
    web.force_login(user)
    return web


def data(line: Subscriber, start: datetime, down: int, up: int = 0) -> UsageRecord:
    return UsageRecord.objects.create(
        source="BRAS-T",
        record_id=f"d{next(_seq):08d}",
        start_time=start,
        msisdn=line.msisdn,
        subscriber_id=line.pk,
        account_id=line.account_id,
        kind="data",
        outgoing=True,
        destination="home",
        duration=600,
        quantity=down + up,
        up_bytes=up,
        down_bytes=down,
        service="internet",
        batch_id=1,
        bill_period=f"{start:%Y-%m}",
        rated_at=start,
    )


@pytest.fixture
def line() -> Subscriber:
    return home_line()


@pytest.fixture
def user(line: Subscriber) -> User:
    return home_user(line, "h1000001")


def test_home_1_menu_shows_only_what_applies_to_a_home_line(user):
    reverse("portal:home")  # the URL map imports the areas, which register their items
    shown = {item.key for item in menu.items(user)}
    assert {"home_contract", "home_traffic", "finance", "topup", "bills", "security"} <= shown
    assert not shown & {"info", "services", "corporate"}
    mobile = User.objects.create_user("375291234500", PASSWORD, subscriber=SubscriberFactory())
    mobile_shown = {item.key for item in menu.items(mobile)}
    assert {"info", "services"} <= mobile_shown
    assert not mobile_shown & {"home_contract", "home_traffic"}
    page = logged_in(user).get(reverse("portal:home")).content.decode()
    assert reverse("portal:home_contract") in page
    assert reverse("portal:home_traffic") in page
    assert reverse("portal:info") not in page
    assert reverse("portal:services") not in page


def test_home_1_contract_page_exact_figures(user, line, django_assert_max_num_queries):
    ledger_post(
        account=line.account,
        subscriber=line,
        amount=-2790,
        kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
        reason="fee",
        idempotency_key="t:fee:oct",
        now=minsk(2026, 10, 31, 23),
    )
    data(line, minsk(2026, 11, 18, 20), 3 * GB, 512 * MB)
    data(line, minsk(2026, 10, 30, 20), 5 * GB)  # last month: not in "this month"
    web = logged_in(user)
    with django_assert_max_num_queries(24):
        response = web.get(reverse("portal:home_contract"))
    assert response.status_code == 200
    html = response.content.decode()

    def field(name: str) -> str:
        match = re.search(rf'data-testid="{name}">([^<]*)<', html)
        assert match, name
        return match.group(1)

    assert field("account-number") == line.account.number
    assert field("client") == "Соловьёв Егор Анатольевич"
    assert field("address") == "г. Минск, ул. Кирова, д. 20, кв. 16"
    assert field("login") == "h1000001"
    assert field("number") == f"+375 17 {line.msisdn[5:8]}-{line.msisdn[8:10]}-{line.msisdn[10:]}"
    assert field("balance") == "-2,50\u00a0руб."  # 25,40 opening − 27,90 October fee
    with translation.override("ru"):
        assert field("status") == str(Subscriber.Status.ACTIVE.label)
    assert field("plan") == "Домашний интернет 100"
    assert field("fee") == "27,90\u00a0руб."
    assert field("previous-charges") == "27,90\u00a0руб."
    assert field("month-traffic") == "3,50 ГБ"


def test_home_1_traffic_by_day_and_month_exact_in_minsk_days(user, line, django_assert_max_num_queries):
    data(line, minsk(2026, 11, 18, 9), 3 * GB, 512 * MB)
    data(line, minsk(2026, 11, 18, 23, 30), 256 * MB)  # 20:30 UTC: still the 18th in Minsk
    data(line, minsk(2026, 11, 19, 0, 30), 1 * GB)  # 21:30 UTC on the 18th: the 19th in Minsk
    data(line, minsk(2026, 10, 3, 12), 2 * GB, 100 * MB)
    other = home_line()
    data(other, minsk(2026, 11, 18, 12), 7 * GB)  # another contract's traffic
    web = logged_in(user)
    with django_assert_max_num_queries(10):
        response = web.get(reverse("portal:home_traffic"))
    assert response.status_code == 200
    html = response.content.decode()

    def row(key: str) -> list[str]:
        match = re.search(rf'data-testid="{key}">(.*?)</tr>', html, re.S)
        assert match, key
        return re.findall(r'<td class="num">([^<]*)</td>', match.group(1))

    assert row("day-2026-11-18") == ["3,25 ГБ", "512,00 МБ", "3,75 ГБ"]
    assert row("day-2026-11-19") == ["1,00 ГБ", "0,00 МБ", "1,00 ГБ"]
    assert row("day-2026-11-20") == ["0,00 МБ", "0,00 МБ", "0,00 МБ"]
    assert "day-2026-11-21" not in html  # no future days
    assert row("month-2026-11") == ["4,25 ГБ", "512,00 МБ", "4,75 ГБ"]
    assert row("month-2026-10") == ["2,00 ГБ", "100,00 МБ", "2,10 ГБ"]
    assert re.search(r'data-testid="month-total">4,75 ГБ<', html)
    assert html.count("<svg") == 2
    assert 'class="seg-fees"' in html
    october = web.get(reverse("portal:home_traffic") + "?month=2026-10").content.decode()
    assert re.search(r'data-testid="month-total">2,10 ГБ<', october)
    assert 'data-testid="day-2026-10-31"' in october


def test_home_1_bills_and_payment_history_reuse_the_shared_pages(user, line, django_assert_max_num_queries):
    ledger_post(
        account=line.account,
        subscriber=line,
        amount=1500,
        kind=LedgerEntry.Kind.PAYMENT,
        reason="card",
        idempotency_key="t:pay:1",
        now=minsk(2026, 11, 10, 10),
        details={"source": "card"},
    )
    web = logged_in(user)
    with django_assert_max_num_queries(40):
        bills = web.get(reverse("portal:bills"))
    assert bills.status_code == 200
    assert f"{line.account.number} · Соловьёв Егор Анатольевич" in bills.content.decode()
    with django_assert_max_num_queries(20):
        history = web.get(reverse("portal:finance_history"))
    html = history.content.decode()
    assert history.status_code == 200
    assert "15,00\u00a0руб." in html
    assert re.search(r'data-testid="balance">40,40\u00a0руб.<', html)


def test_home_1_card_top_up_of_the_home_line_through_the_payments_flow(user, line):
    from issa.payments.tests.conftest import signed_callback, success_payload

    web = logged_in(user)
    page = web.get(reverse("portal:topup")).content.decode()
    shown = re.search(r'name="msisdn" value="([^"]*)"', page)
    assert shown is not None
    response = web.post(reverse("portal:topup"), {"msisdn": shown.group(1), "amount": "10"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.subscriber_id, payment.account_id, payment.amount) == (line.pk, line.account_id, 1000)
    before = account_balance(account_id=line.account_id)
    assert signed_callback(Client(), success_payload(payment)).status_code == 200
    assert account_balance(account_id=line.account_id) == before + 1000


MOBILE_ONLY = [
    ("get", "portal:info"),
    ("get", "portal:info_more"),
    ("post", "portal:info_pin_puk"),
    ("get", "portal:services"),
    ("get", "portal:services_plans"),
    ("get", "portal:numbering_change"),
    ("get", "portal:numbering_forwarding"),
    ("get", "portal:detail"),
    ("get", "portal:detail_table"),
    ("get", "portal:payment_settings"),
]


@pytest.mark.parametrize(("method", "name"), MOBILE_ONLY)
def test_home_1_mobile_only_pages_refuse_a_home_user(user, method, name):
    from issa.identity.models import AuditEvent

    audit = AuditEvent.objects.count()
    response = getattr(logged_in(user), method)(reverse(name))
    assert response.status_code == 404
    assert 'data-testid="not-for-kind"' in response.content.decode()
    assert AuditEvent.objects.count() == audit  # e.g. no PIN/PUK reveal recorded


def test_home_1_internet_statistics_lead_a_home_user_to_the_traffic_page(user):
    response = logged_in(user).get(reverse("portal:stats"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home_traffic")


def test_home_1_mobile_user_cannot_open_home_pages():
    mobile = User.objects.create_user("375291234501", PASSWORD, subscriber=SubscriberFactory())
    web = logged_in(mobile)
    for name in ("portal:home_contract", "portal:home_traffic"):
        assert web.get(reverse(name)).status_code == 404


def test_home_1_another_contracts_data_is_404(user, line):
    other = home_line(kopecks=99900)
    home_user(other, "h1000002")
    web = logged_in(user)
    assert web.get(reverse("portal:bills") + f"?account={other.account.number}").status_code == 404
    from issa.identity.actor import Actor
    from issa.payments.services import payment_create

    theirs = payment_create(
        payer=User.objects.get(login="h1000002"),
        msisdn=other.msisdn,
        amount=500,
        save_card=False,
        actor=Actor.system("test"),
        now=NOW,
    )
    assert web.get(reverse("portal:payment_return", args=[theirs.public_id])).status_code == 404
    html = web.get(reverse("portal:home_contract")).content.decode()
    assert other.account.number not in html
    assert "999,00" not in html
    assert Contract.objects.count() == 2
