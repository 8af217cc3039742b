"""Loose ends of issue 9 in the portal: shared pages hide links to pages of another kind of login
(HOME-1, ``for_kind``); the support archive says when and why a request was closed (SUP-2); the
corporate cabinet is linked from the header for role holders only (AUTH-11)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from issa.access.services import corporate_role_assign
from issa.customers.models import Client as Contract
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.portal import menu
from issa.support import services as support
from issa.testing.factories import AccountFactory, ClientFactory, SubscriberFactory, UserFactory

from .test_home_1_portal import _frozen, home_user, logged_in  # noqa: F401 (autouse fixture)
from .test_home_1_portal import home_line as make_home_line

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "Str0ng-pass!"


@pytest.fixture
def home() -> User:
    return home_user(make_home_line(), "h1000001")


@pytest.fixture
def mobile() -> User:
    return User.objects.create_user("375291234509", "Kx7mQ2vz", subscriber=SubscriberFactory())


def test_home_1_shared_pages_hide_links_to_mobile_only_pages(home, mobile, django_assert_max_num_queries):
    reverse("portal:home")
    assert menu.KIND_ONLY["detail"] == menu.MOBILE
    assert menu.KIND_ONLY["payment_settings"] == menu.MOBILE
    assert menu.KIND_ONLY["home_traffic"] == menu.HOME
    web = logged_in(home)
    with django_assert_max_num_queries(40):
        bills = web.get(reverse("portal:bills")).content.decode()
    assert reverse("portal:detail") not in bills
    assert reverse("portal:stats") not in bills
    assert "Детализация звонков" not in bills
    assert f'href="{reverse("portal:home_traffic")}"' in bills  # the home line's own traffic instead
    finance = web.get(reverse("portal:finance_history")).content.decode()
    assert reverse("portal:payment_settings") not in finance
    assert "Оповещения и автопополнение" not in finance

    web = logged_in(mobile)
    bills = web.get(reverse("portal:bills")).content.decode()
    assert f'href="{reverse("portal:detail")}"' in bills
    assert reverse("portal:home_traffic") not in bills
    finance = web.get(reverse("portal:finance_history")).content.decode()
    assert f'href="{reverse("portal:payment_settings")}"' in finance


def test_home_1_for_kind_answers_by_url_name(home, mobile):
    reverse("portal:home")
    assert (menu.serves_url(home, "portal:detail"), menu.serves_url(mobile, "portal:detail")) == (False, True)
    assert (menu.serves_url(home, "home_contract"), menu.serves_url(mobile, "home_contract")) == (True, False)
    assert menu.serves_url(home, "portal:bills")  # a shared page
    assert menu.serves_url(mobile, "portal:bills")
    assert menu.ForKind(home)["payment_settings"] is False


def _closed_request(subscriber: Any) -> Any:
    staff = User.objects.create_superuser("operator411", STAFF_PASSWORD)
    when = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 25.11.2026 01:30 in Minsk
    wish = support.support_request_create(
        subscriber=subscriber,
        topic="wish",
        subject="Тариф",
        text="Сделайте безлимит дешевле.",
        actor=Actor.system("test"),
        now=when,
    )
    return support.support_close(
        request_id=wish.pk, note="Передано в отдел тарифов.", actor=Actor("admin", user=staff), now=when
    )


def test_sup_2_archive_shows_when_and_why_a_request_was_closed(mobile, django_assert_max_num_queries):
    item = _closed_request(mobile.subscriber)
    web = logged_in(mobile)
    with django_assert_max_num_queries(12):
        archive = web.get(reverse("portal:support")).content.decode()
    assert "Закрыто</td>" in archive  # the status column
    assert re.search(
        r'data-testid="support-closed"><strong>Закрыто 25\.11\.2026</strong>: '
        r'<span data-testid="support-close-note">Передано в отдел тарифов\.</span>',
        archive,
    )
    assert "operator411" not in archive  # staff are not named to the subscriber
    card = web.get(reverse("portal:support_detail", args=[item.pk])).content.decode()
    assert "<strong>Закрыто 25.11.2026</strong>: " in card
    assert "Передано в отдел тарифов." in card


def test_sup_2_open_requests_show_no_closing_line(mobile):
    support.support_request_create(
        subscriber=mobile.subscriber,
        topic="question",
        subject="Роуминг",
        text="Работает ли?",
        actor=Actor.system("test"),
        now=datetime(2026, 11, 20, 9, tzinfo=UTC),
    )
    archive = logged_in(mobile).get(reverse("portal:support")).content.decode()
    assert 'data-testid="support-closed"' not in archive


def test_sup_2_archive_closing_line_in_belarusian(mobile):
    _closed_request(mobile.subscriber)
    web = logged_in(mobile)
    web.cookies.load({"django_language": "be"})
    archive = web.get(reverse("portal:support"), headers={"accept-language": "be"}).content.decode()
    assert "<strong>Закрыты 25.11.2026</strong>" in archive


def test_auth_11_corporate_cabinet_linked_from_the_header_for_an_administrator_only(django_assert_max_num_queries):
    staff = User.objects.create_user("staff411", "Staff12345", kind=User.Kind.STAFF, is_staff=True)
    contract = ClientFactory(kind=Contract.Kind.LEGAL, name='ООО "Ромашка"', unp="190000001")
    account = AccountFactory(client=contract)
    admin, worker = SubscriberFactory(account=account), SubscriberFactory(account=account)
    corporate_role_assign(
        subscriber=admin,
        role="administrator",
        application="Заявление №1",
        actor=Actor(channel="admin", user=staff),
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    link = f'<a href="{reverse("portal:corporate")}" data-testid="nav-corporate"'

    web = Client()
    web.force_login(UserFactory(subscriber=admin))
    with django_assert_max_num_queries(30):
        page = web.get(reverse("portal:security")).content.decode()  # any page: the header
    nav = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert link in nav
    assert "Корпоративный кабинет" in nav
    cabinet = web.get(reverse("portal:corporate")).content.decode()
    assert link.replace('data-testid="nav-corporate"', 'data-testid="nav-corporate" aria-current="page"') in cabinet

    web.force_login(UserFactory(subscriber=worker))
    assert 'data-testid="nav-corporate"' not in web.get(reverse("portal:security")).content.decode()
    anonymous = Client().get(reverse("portal:login")).content.decode()
    assert 'data-testid="nav-corporate"' not in anonymous
