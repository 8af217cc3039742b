"""The SMS outbox in the back office: read-only, and a sensitive message shows only "•••"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.core import clock
from issa.identity.models import User
from issa.notifications.models import SmsMessage
from issa.notifications.services import sms_send
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: HttpClient) -> HttpClient:
    staff_login(client, User.objects.create_superuser("staffer", None))
    return client


def test_sensitive_sms_is_hidden_from_staff_and_plain_notices_are_readable(
    staff: HttpClient, django_assert_max_num_queries: Any
) -> None:
    code = sms_send(msisdn="375291000001", text="Код: 73915", kind="otp", now=clock.now(), sensitive=True)
    sms_send(msisdn="375291000002", text="Услуга подключена", kind="notice", now=clock.now())
    with django_assert_max_num_queries(10):
        page = staff.get("/staff/notifications/smsmessage/").content.decode()
    assert "73915" not in page
    assert "•••" in page
    assert "Услуга подключена" in page
    detail = staff.get(f"/staff/notifications/smsmessage/{code.pk}/change/")
    assert detail.status_code == 200
    assert "73915" not in detail.content.decode()
    assert code.body_stored[:20] not in detail.content.decode()


def test_outbox_search_by_number_in_any_format(staff: HttpClient) -> None:
    sms_send(msisdn="375291000001", text="Первому", kind="notice", now=clock.now())
    sms_send(msisdn="375291000002", text="Второму", kind="notice", now=clock.now())
    page = staff.get("/staff/notifications/smsmessage/", {"q": "8 029 100-00-01"}).content.decode()
    assert "Первому" in page
    assert "Второму" not in page


def test_outbox_is_read_only(staff: HttpClient) -> None:
    message = sms_send(msisdn="375291000001", text="Текст", kind="notice", now=clock.now())
    assert staff.get("/staff/notifications/smsmessage/add/").status_code == 403
    assert staff.post(f"/staff/notifications/smsmessage/{message.pk}/change/", {"status": "failed"}).status_code == 403
    assert staff.post(f"/staff/notifications/smsmessage/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SmsMessage.objects.get(pk=message.pk).status == SmsMessage.Status.QUEUED
