"""In Debian's Chromium: choosing an answer template fills the answer field (a static script under
the strict CSP), staff adapt it and save; then close the answered request (SUP-2)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from issa.identity.actor import Actor
from issa.identity.models import User
from issa.support import services
from issa.support.models import AnswerTemplate, SupportRequest
from issa.testing.factories import subscriber_with_balance

from .test_sup_close import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sup_2_template_fills_the_answer_then_staff_close_the_request(
    page: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    subscriber = subscriber_with_balance()
    item = services.support_request_create(
        subscriber=subscriber,
        topic="question",
        subject="Настройки интернета",
        text="Не работает интернет",
        actor=Actor.system("test"),
        now=timezone.now(),
    )
    AnswerTemplate.objects.create(title="Настройки интернета", text="Точка доступа (APN): internet.issa.by.")
    staff = User.objects.create_superuser("support-js", "Str0ng-pass!")
    django_client = Client()
    login(django_client, staff)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"/staff/support/supportrequest/{item.pk}/change/")
    page.get_by_label("Шаблон ответа").select_option(label="Настройки интернета")
    answer = page.locator("#id_reply")
    expect(answer).to_have_value("Точка доступа (APN): internet.issa.by.")
    page.screenshot(path=str(Path(os.environ.get("ISSA_SCREENSHOTS", tmp_path)) / "support-answer.png"), full_page=True)
    answer.fill("Точка доступа (APN): internet.issa.by. Перезагрузите телефон.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    item.refresh_from_db()
    assert item.answer == "Точка доступа (APN): internet.issa.by. Перезагрузите телефон."
    assert item.answered_by == staff

    page.goto(f"/staff/support/supportrequest/{item.pk}/change/")
    page.get_by_test_id("support-close").click()
    page.screenshot(path=str(Path(os.environ.get("ISSA_SCREENSHOTS", tmp_path)) / "support-close.png"), full_page=True)
    page.get_by_test_id("support-close-confirm").click()
    expect(page.locator(".messagelist")).to_be_visible()
    item.refresh_from_db()
    assert item.status == SupportRequest.Status.CLOSED
    assert not [e for e in errors if "Content Security Policy" in e]
