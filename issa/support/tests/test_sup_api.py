"""SUP-1, SUP-2 in the JSON API: /api/support/troubleTicket shaped after TMF621."""

from __future__ import annotations

import pytest

from issa.core import clock
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.support import services
from issa.support.models import SupportRequest
from issa.testing.factories import UserFactory, subscriber_with_balance

URL = "/api/support/troubleTicket"


@pytest.fixture
def subscriber(db):
    return subscriber_with_balance()


@pytest.fixture
def api(client, subscriber):
    client.force_login(UserFactory(subscriber=subscriber))
    return client


def test_sup_1_api_create_list_and_read_with_answer(api, subscriber):
    response = api.post(
        URL,
        {"name": "Roaming", "description": "Does it work in Poland?", "ticketType": "question"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["name"] == "Roaming"
    item = SupportRequest.objects.get(pk=int(body["id"]))
    assert AuditEvent.objects.filter(action="support.request_create", channel="api").count() == 1
    staff = User.objects.create_superuser("support-api", "Str0ng-pass!")
    now = item.created_at
    services.support_answer(request_id=item.pk, text="Yes.", actor=Actor("admin", user=staff), now=now)
    listed = api.get(URL).json()
    assert [t["id"] for t in listed] == [str(item.pk)]
    one = api.get(f"{URL}/{item.pk}").json()
    assert one["status"] == "resolved"
    assert one["note"][0]["text"] == "Yes."


def test_sup_1_api_empty_text_is_refused_and_nothing_created(api):
    response = api.post(URL, {"name": "S", "description": "  "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "support_text_empty"
    assert SupportRequest.objects.count() == 0


def test_sup_2_api_another_subscribers_ticket_is_404(api):
    other = services.support_request_create(
        subscriber=subscriber_with_balance(),
        topic="wish",
        subject="Not yours",
        text="t",
        actor=Actor.system("test"),
        now=clock.now(),
    )
    assert api.get(f"{URL}/{other.pk}").status_code == 404
    assert api.get(f"{URL}/abc").status_code == 404
    assert api.get(URL).json() == []
