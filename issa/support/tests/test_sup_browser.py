"""In Debian's Chromium: a subscriber writes a question, staff answer it in the back office, the
subscriber reads the answer in «Просмотр истории» (SUP-1, SUP-2; the proof issue 9 asks for)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from issa.identity.models import User
from issa.notifications.models import SmsMessage
from issa.support.models import AnswerTemplate, SupportRequest
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.testing.staff import staff_device, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(context: Any, user: Any, base_url: str) -> None:
    django_client = Client()
    django_client.force_login(user)
    key = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}])


def test_sup_1_sup_2_question_answered_in_back_office_is_read_in_the_portal(
    browser: Any, page: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    subscriber = subscriber_with_balance()
    signed_in(page.context, UserFactory(subscriber=subscriber), live_server.url)
    page.goto("/support/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Обратная связь")
    page.get_by_test_id("support-new").click()
    page.get_by_label("Тема").fill("Роуминг")
    page.get_by_label("Текст").fill("Работает ли мой тариф в Польше?")
    page.get_by_test_id("support-send").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Обращение №")
    item = SupportRequest.objects.get(subscriber=subscriber)

    AnswerTemplate.objects.create(title="Роуминг в ЕС", text="Да, роуминг работает во всех странах ЕС.")
    staff = User.objects.create_superuser("support-browser", "Str0ng-pass!")
    office = browser.new_context(base_url=live_server.url, locale="ru-RU")
    staff_page = office.new_page()
    device = staff_device(staff)  # staff log in through the real form: password, then the TOTP code
    staff_page.goto("/staff/login/")
    staff_page.locator("#id_username").fill("support-browser")
    staff_page.locator("#id_password").fill("Str0ng-pass!")
    staff_page.locator("#login-form [type=submit]").click()
    staff_page.locator("#id_otp_token").fill(totp_code(device))
    staff_page.locator("#login-form [type=submit]").click()
    staff_page.goto(f"/staff/support/supportrequest/{item.pk}/change/")
    staff_page.get_by_label("Шаблон ответа").select_option(label="Роуминг в ЕС")
    staff_page.locator("input[name=_save]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    office.close()

    page.goto("/support/")
    expect(page.get_by_test_id("support-answer").first).to_have_text("Да, роуминг работает во всех странах ЕС.")
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn, kind="support_answer").exists()
