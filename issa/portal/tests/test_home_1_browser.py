"""HOME-1 in Debian's Chromium at phone size: a home and office user picks «Дом и офис», logs in
with the contract login and sees the contract, the balance and the traffic chart."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from issa.identity.models import User

from .test_home_1_portal import MB, PASSWORD, data, home_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clean_cache(transactional_db: Any) -> Any:
    cache.clear()  # rate-limit counters live in the cache, which a transactional test keeps
    yield
    cache.clear()


def test_home_1_browser_home_user_logs_in_and_sees_contract_balance_and_traffic(page: Any, tmp_path: Path) -> None:
    from issa.core import clock
    from issa.usage.storage import ensure_partitions

    shots = Path(os.environ.get("ISSA_SCREENSHOT_DIR") or tmp_path)  # to look at the pages
    now = clock.now()
    period = clock.period_of(now)
    ensure_partitions([period.key, period.previous().key])
    line = home_line(kopecks=2540)
    User.objects.create_user("h1000001", PASSWORD, kind=User.Kind.HOME, subscriber=line)
    data(line, period.start + timedelta(minutes=1), 1536 * MB, 100 * MB)

    page.goto("/login/")
    page.click("[data-testid=kind-home]")
    page.wait_for_url("**/login/?kind=home")
    assert page.get_attribute("[data-testid=kind-home]", "aria-current") == "page"
    page.screenshot(path=shots / "home_1_login.png", full_page=True)
    page.fill("#id_login", "H1000001")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('Войти')")
    page.wait_for_url("**/home/")
    page.click(".home-menu a:has-text('Мой договор')")
    page.wait_for_url("**/home-office/contract/")
    assert page.inner_text("[data-testid=account-number]") == line.account.number
    assert page.inner_text("[data-testid=balance]") == "25,40\u00a0руб."
    assert page.inner_text("[data-testid=plan]") == "Домашний интернет 100"
    page.screenshot(path=shots / "home_1_contract.png", full_page=True)
    page.click(".info-tabs a:has-text('Трафик')")
    page.wait_for_url("**/home-office/traffic/")
    assert page.inner_text("[data-testid=month-total]") == "1,60 ГБ"
    chart = page.locator("[data-testid=days-chart] svg")
    assert chart.is_visible()
    assert chart.locator("rect.seg-fees").count() >= 2  # a day's bar and the legend
    page.screenshot(path=shots / "home_1_traffic.png", full_page=True)
