"""Closed access is closed on every channel at once, open sessions included (AUTH-10/11/12)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from issa.access import services
from issa.access.middleware import AccessGuardMiddleware
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent

from .conftest import make_user

pytestmark = pytest.mark.django_db

CLOSED_BY_SUBSCRIBER = (
    "Доступ в Личный кабинет закрыт по вашему запросу. Чтобы открыть его, наберите *141*3*6# "
    "и введите код PUK1 вашей SIM-карты."
)


@pytest.fixture
def user(subscriber):
    return make_user(subscriber)


def test_auth_10_open_session_ends_on_the_next_request_after_closing(client, user, subscriber, now):
    client.force_login(user)
    home = reverse("portal:home")
    assert client.get(home).status_code == 200

    services.access_close_by_subscriber(subscriber=subscriber, actor=Actor(channel="ussd"), now=now)
    response = client.get(home)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    assert "_auth_user_id" not in client.session  # logged out: the session was flushed
    event = AuditEvent.objects.get(action="access.session_ended")
    assert (event.subscriber, event.details) == (subscriber, {"reason": "subscriber"})
    assert AuditEvent.objects.filter(action="auth.logout", subscriber=subscriber).count() == 1
    # The login page tells why; the home page stays closed.
    login_page = client.get(response["Location"])
    assert CLOSED_BY_SUBSCRIBER in login_page.content.decode()
    assert client.get(home).status_code == 302


def test_auth_10_session_api_call_gets_401_with_the_reason(client, user, subscriber, now):
    client.force_login(user)
    assert client.get("/api/access/me").json()["open"] is True

    services.access_close_by_subscriber(subscriber=subscriber, actor=Actor(channel="ussd"), now=now)
    response = client.get("/api/access/me")

    assert response.status_code == 401
    assert response.json()["code"] == "access_closed_subscriber"
    assert "_auth_user_id" not in client.session


def test_auth_11_htmx_request_is_sent_to_the_login_page(client, corp, now):
    client.force_login(corp.worker_user)
    services.access_set_by_corporate(
        role=corp.admin_role, subscriber=corp.worker, open=False, actor=Actor(channel="web"), now=now
    )

    response = client.get(reverse("portal:home"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("portal:login")


def test_auth_12_staff_restriction_ends_the_session(client, user, subscriber, staff_actor, now):
    client.force_login(user)
    services.access_restrict_by_operator(subscriber=subscriber, note="Проверка", actor=staff_actor, now=now)

    response = client.get(reverse("portal:home"), follow=True)

    assert response.redirect_chain[0] == (reverse("portal:login"), 302)
    assert "ограничен компанией" in response.content.decode()


def test_auth_10_guard_costs_one_indexed_query_per_authenticated_request(user, staff, django_assert_num_queries):
    factory = RequestFactory()
    guard = AccessGuardMiddleware(lambda request: HttpResponse("ok"))

    request = factory.get("/home/")
    request.user = user  # already loaded by AuthenticationMiddleware
    with django_assert_num_queries(1):
        assert guard(request).status_code == 200

    for other in (AnonymousUser(), staff):  # no number: nothing to check
        request = factory.get("/home/")
        request.user = other
        with django_assert_num_queries(0):
            assert guard(request).status_code == 200


def test_auth_10_guard_query_is_indexed_and_unsorted(subscriber):
    """The one query filters on subscriber_id and lifted_at IS NULL, served by an index on
    subscriber_id (the FK index, or the partial unique index of active blocks), with no sort."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from issa.access.selectors import active_reasons

    with CaptureQueriesContext(connection) as queries:
        active_reasons(subscriber_id=subscriber.pk)
    sql = queries.captured_queries[0]["sql"]
    assert '"subscriber_id" = ' in sql
    assert '"lifted_at" IS NULL' in sql
    assert "ORDER BY" not in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql.replace(f"= {subscriber.pk}", "= %s"), [subscriber.pk])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "SEARCH access_accessblock USING INDEX" in plan
        assert "TEMP B-TREE" not in plan


def test_auth_10_closing_cancels_the_sessions_pending_requests(client, user, subscriber, now):
    """The ended session's multi-step requests (AUTH-9's pending requests) are cancelled with it."""
    from issa.core import clock
    from issa.identity.models import PendingRequest
    from issa.identity.services import pending_start

    client.force_login(user)
    key = client.session.session_key
    pending = pending_start(
        session_key=key, user=user, kind="promised_payment", payload={}, actor=Actor(channel="web"), now=clock.now()
    )
    services.access_close_by_subscriber(subscriber=subscriber, actor=Actor(channel="ussd"), now=now)

    client.get(reverse("portal:home"))

    pending.refresh_from_db()
    assert pending.state == PendingRequest.State.CANCELLED


def test_auth_10_denial_is_translated_to_belarusian_and_english(subscriber, now):
    from django.utils import translation

    from issa.access.selectors import access_denial

    services.access_close_by_subscriber(subscriber=subscriber, actor=Actor(channel="ussd"), now=now)
    denial = access_denial(subscriber=subscriber)
    assert denial is not None
    with translation.override("be"):
        assert denial.text().startswith("Доступ у Асабісты кабінет закрыты па вашым запыце.")
    with translation.override("en"):
        assert denial.text().startswith("Access to the personal account is closed at your request.")
