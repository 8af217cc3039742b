"""Issue 9's loose ends in Debian's Chromium at phone size: a corporate administrator reaches the
cabinet from the header (AUTH-11); the support archive shows when and why a request was closed
and fits the phone's width (SUP-2)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from issa.access.services import corporate_role_assign
from issa.customers.models import Client as Contract
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.support import services as support
from issa.testing.factories import AccountFactory, ClientFactory, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHEN = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 25.11.2026 in Minsk


@pytest.fixture(autouse=True)
def _clean_cache(transactional_db: Any) -> Any:
    cache.clear()  # rate-limit counters live in the cache, which a transactional test keeps
    yield
    cache.clear()


def _log_in(page: Any, login: str) -> None:
    page.goto("/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", "demo1234")
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_auth_11_browser_administrator_opens_the_cabinet_from_the_header(page: Any, tmp_path: Path) -> None:
    shots = Path(os.environ.get("ISSA_SCREENSHOT_DIR") or tmp_path)
    staff = User.objects.create_user("staff411", "Staff12345", kind=User.Kind.STAFF, is_staff=True)
    account = AccountFactory(client=ClientFactory(kind=Contract.Kind.LEGAL, name="ООО «Ромашка»", unp="190000001"))
    admin = SubscriberFactory(account=account, msisdn="375291000005")
    SubscriberFactory(account=account)
    corporate_role_assign(
        subscriber=admin, role="administrator", application="Заявление №1", actor=Actor("admin", user=staff), now=WHEN
    )
    UserFactory(login=admin.msisdn, subscriber=admin)

    _log_in(page, "+375 29 100-00-05")
    page.goto("/security/")
    link = page.locator(".site-nav [data-testid=nav-corporate]")
    assert link.is_visible()
    assert _fits(page)
    page.screenshot(path=shots / "auth_11_header.png")
    link.click()
    page.wait_for_url("**/corporate/")
    assert page.locator(".site-nav [data-testid=nav-corporate]").get_attribute("aria-current") == "page"
    assert _fits(page)


def test_sup_2_browser_archive_shows_the_closing_reason_and_fits_a_phone(page: Any, tmp_path: Path) -> None:
    shots = Path(os.environ.get("ISSA_SCREENSHOT_DIR") or tmp_path)
    subscriber = SubscriberFactory(msisdn="375291000003")
    UserFactory(login=subscriber.msisdn, subscriber=subscriber)
    staff = User.objects.create_superuser("operator411", "Str0ng-pass!")
    wish = support.support_request_create(
        subscriber=subscriber,
        topic="wish",
        subject="Больше камер в тарифе «Видеонаблюдение»",
        text="Хочу четыре камеры.",
        actor=Actor.system("test"),
        now=WHEN,
    )
    support.support_close(
        request_id=wish.pk,
        note="Передано в отдел развития продуктов; спасибо за предложение.",
        actor=Actor("admin", user=staff),
        now=WHEN,
    )

    _log_in(page, "+375 29 100-00-03")
    page.goto("/support/")
    closed = page.locator("[data-testid=support-closed]")
    assert closed.inner_text() == "Закрыто 25.11.2026: Передано в отдел развития продуктов; спасибо за предложение."
    assert _fits(page)
    page.screenshot(path=shots / "sup_2_archive.png", full_page=True)
