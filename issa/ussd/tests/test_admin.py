"""USSD sessions in the back office: read-only; what a menu keeps between steps is not shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.core import clock
from issa.identity.models import User
from issa.testing.staff import staff_login
from issa.ussd.models import UssdSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: HttpClient) -> HttpClient:
    staff_login(client, User.objects.create_superuser("staffer", None))
    return client


def session(n: int, **kwargs: Any) -> UssdSession:
    now = clock.now()
    return UssdSession.objects.create(session_id=f"gw-{n}", msisdn=f"37529100000{n}", menu="*141*0#",
                                      started_at=now, updated_at=now, **kwargs)  # fmt: skip


def test_sessions_list_and_page_hide_the_dialogue_data(staff: HttpClient, django_assert_max_num_queries: Any) -> None:
    kept = session(1, step="confirm", data={"password": "Secret77"})
    for n in range(2, 9):
        session(n)
    with django_assert_max_num_queries(10):
        page = staff.get("/staff/ussd/ussdsession/").content.decode()
    assert "+375 29 100-00-01" in page
    detail = staff.get(f"/staff/ussd/ussdsession/{kept.pk}/change/").content.decode()
    assert "password" in detail  # the key, so staff see the dialogue's progress
    assert "Secret77" not in detail
    assert "Secret77" not in page


def test_sessions_are_read_only(staff: HttpClient) -> None:
    kept = session(1)
    assert staff.get("/staff/ussd/ussdsession/add/").status_code == 403
    assert staff.post(f"/staff/ussd/ussdsession/{kept.pk}/change/", {"ended": "on"}).status_code == 403
    assert staff.post(f"/staff/ussd/ussdsession/{kept.pk}/delete/", {"post": "yes"}).status_code == 403
    assert UssdSession.objects.get(pk=kept.pk).ended is False
