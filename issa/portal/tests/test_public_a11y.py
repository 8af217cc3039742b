"""Accessibility of the public pages and the virtual phone, checked by axe-core in Chromium.

axe-core is an npm dev dependency (package.json); it is injected into the page under test, which
needs the browser to bypass our own CSP ('self' scripts only) for that one script.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from issa.testing.factories import subscriber_with_balance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=sorted(VIEWPORTS))
def axe_page(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make install does)")
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[request.param], locale="ru-RU", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("path", ["/", "/?kind=home", "/no-such-page/"])
def test_public_pages_have_no_wcag_aa_violations(axe_page: Any, path: str) -> None:
    axe_page.goto(path)
    assert violations(axe_page) == []


def test_virtual_phone_has_no_wcag_aa_violations(axe_page: Any) -> None:
    subscriber = subscriber_with_balance(1234)
    axe_page.goto(f"/phone/?msisdn={subscriber.msisdn}")
    axe_page.get_by_label("USSD-запрос").fill("*100#")
    axe_page.get_by_role("button", name="Вызов").click()
    axe_page.locator("#ussd-reply").wait_for()
    assert violations(axe_page) == []


def test_virtual_phone_error_state_has_no_wcag_aa_violations(axe_page: Any) -> None:
    axe_page.goto("/phone/?msisdn=12345")
    assert violations(axe_page) == []
