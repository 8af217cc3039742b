"""The back office for subscribers: search by a number typed any way, filters, SIM secrets never
shown (INFO-4), view-only, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.identity.models import User
from issa.subscribers.models import Subscriber
from issa.testing.factories import AccountFactory, SubscriberFactory, TariffPlanFactory
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: HttpClient) -> HttpClient:
    staff_login(client, User.objects.create_superuser("staffer", None))
    return client


def listed(staff: HttpClient, **params: str) -> str:
    response = staff.get("/staff/subscribers/subscriber/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "typed", ["+375 29 100-00-01", "375291000001", "80291000001", "8 029 100 00 01", "291000001", "100-00-01"]
)
def test_search_finds_a_number_however_it_is_typed(staff: HttpClient, typed: str) -> None:
    SubscriberFactory.create(msisdn="375291000001")
    SubscriberFactory.create(msisdn="375291000002")
    page = listed(staff, q=typed)
    assert "+375 29 100-00-01" in page
    assert "+375 29 100-00-02" not in page


def test_search_by_name_and_account_number(staff: HttpClient) -> None:
    SubscriberFactory.create(msisdn="375291000001", user_name="Жук Дмитрий Николаевич")
    SubscriberFactory.create(msisdn="375291000002", account=AccountFactory.create(number="310000777"))
    SubscriberFactory.create(msisdn="375291000003")
    assert "+375 29 100-00-01" in listed(staff, q="Жук")
    page = listed(staff, q="310000777")
    assert "+375 29 100-00-02" in page
    assert "+375 29 100-00-01" not in page


def test_search_by_the_clients_name_in_the_same_box(staff: HttpClient) -> None:
    legal = AccountFactory.create(client__name="ООО «Ромашка»")
    SubscriberFactory.create(msisdn="375291000001", account=legal, user_name="")
    SubscriberFactory.create(msisdn="375291000002", user_name="Ромашкин Иван")
    SubscriberFactory.create(msisdn="375291000003")
    page = listed(staff, q="Ромашка")
    assert "+375 29 100-00-01" in page
    assert "+375 29 100-00-03" not in page
    assert "+375 29 100-00-02" in listed(staff, q="Ромашкин")  # the user's own name


def test_filters_by_status_plan_and_device(staff: HttpClient) -> None:
    video = TariffPlanFactory.create(code="video", name="Видеонаблюдение")
    SubscriberFactory.create(msisdn="375291000001", status=Subscriber.Status.PAUSED)
    SubscriberFactory.create(msisdn="375291000002", plan=video, device=Subscriber.Device.DEVICE)
    SubscriberFactory.create(msisdn="375291000003")
    paused = listed(staff, status__exact="paused")
    assert "+375 29 100-00-01" in paused
    assert "+375 29 100-00-03" not in paused
    on_video = listed(staff, plan__id__exact=str(video.pk))
    assert "+375 29 100-00-02" in on_video
    assert "+375 29 100-00-03" not in on_video
    devices = listed(staff, device__exact="device")
    assert "+375 29 100-00-02" in devices
    assert "+375 29 100-00-01" not in devices


def test_info_4_sim_secrets_are_never_shown(staff: HttpClient) -> None:
    subscriber = SubscriberFactory.create()  # PIN1 1234, PUK1 12345678, PIN2 5678, PUK2 87654321
    page = staff.get(f"/staff/subscribers/subscriber/{subscriber.pk}/change/").content.decode()
    assert subscriber.sim.iccid in page
    for secret in ("12345678", "87654321", subscriber.sim.puk1_enc[:20], subscriber.sim.pin1_enc[:20]):
        assert secret not in page


def test_pages_load_with_a_bounded_number_of_queries(staff: HttpClient, django_assert_max_num_queries: Any) -> None:
    subscribers = [SubscriberFactory.create() for _ in range(25)]
    with django_assert_max_num_queries(10):
        listed(staff)
    with django_assert_max_num_queries(10):
        listed(staff, q=subscribers[5].msisdn)
    with django_assert_max_num_queries(12):
        response = staff.get(f"/staff/subscribers/subscriber/{subscribers[0].pk}/change/")
    assert response.status_code == 200


def test_subscribers_are_view_only(staff: HttpClient) -> None:
    subscriber = SubscriberFactory.create()
    assert staff.get("/staff/subscribers/subscriber/add/").status_code == 403
    response = staff.post(f"/staff/subscribers/subscriber/{subscriber.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    assert staff.post(f"/staff/subscribers/subscriber/{subscriber.pk}/delete/", {"post": "yes"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
