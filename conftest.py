"""Test-wide fixtures. App fixtures live in each app's tests/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ISSA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _sync_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Background tasks run inline in tests when they are enqueued (which is after commit)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def smtp(settings: Any) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 with Django's e-mail pointed at it (issa.testing.smtp)."""
    from issa.testing.smtp import smtp_server

    with smtp_server(settings) as inbox:
        yield inbox


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    """Uploads (support attachments, the demo's files) go to the test's own directory, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh phone-sized browser page (Russian locale) against the live test server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU", device_scale_factor=1
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
