"""AUTH-11 in the portal: the corporate page of an administrator or supervisor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from issa.access.models import AccessBlock
from issa.access.selectors import access_denial
from issa.access.services import corporate_role_assign
from issa.core.phone import format_msisdn
from issa.identity.models import AuditEvent

from .conftest import snapshot

pytestmark = pytest.mark.django_db

PAGE = "/corporate/"


def set_access_url(msisdn: str) -> str:
    return reverse("portal:corporate_set_access", args=[msisdn])


def test_auth_11_corporate_page_lists_the_clients_numbers_only(client, corp, other_number):
    assert reverse("portal:corporate") == PAGE
    client.force_login(corp.admin_user)

    response = client.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'ООО "Ромашка"' in page or "ООО &quot;Ромашка&quot;" in page
    assert "Администратор Личного кабинета" in page
    for number in (corp.admin, corp.supervisor, corp.worker, corp.worker2):
        assert format_msisdn(number.msisdn) in page
    assert format_msisdn(other_number.msisdn) not in page
    assert page.count("Закрыть доступ") == 3  # not for the administrator's own number (*141*3*6# is)


def test_auth_11_page_offers_only_what_the_role_may_do(client, corp, now):
    from issa.access.services import access_close_by_subscriber
    from issa.identity.actor import Actor

    access_close_by_subscriber(subscriber=corp.worker2, actor=Actor(channel="ussd"), now=now)
    client.force_login(corp.supervisor_user)

    page = client.get(PAGE).content.decode()

    def card(number):
        start = page.index(f'id="number-{number.msisdn}"')
        return page[start : page.index("</article>", start)]

    assert "Закрыть доступ" not in card(corp.admin)  # a supervisor cannot touch an administrator
    assert "Закрыть доступ" not in card(corp.supervisor)  # nor their own number
    assert "Закрыть доступ" in card(corp.worker)
    assert "Закрыт абонентом" in card(corp.worker2)  # closed by its user: the reason, no button
    assert "Открыть доступ" not in card(corp.worker2)


def test_auth_11_corporate_page_search_and_access_filter(client, corp):
    client.force_login(corp.admin_user)
    page = client.get(PAGE, {"q": "Петров"}).content.decode()
    assert format_msisdn(corp.worker.msisdn) in page
    assert format_msisdn(corp.worker2.msisdn) not in page

    client.post(set_access_url(corp.worker2.msisdn), {"action": "close"})
    page = client.get(PAGE, {"access": "closed"}).content.decode()
    assert format_msisdn(corp.worker2.msisdn) in page
    assert format_msisdn(corp.worker.msisdn) not in page
    assert "Открыть доступ" in page


def test_auth_11_administrator_closes_a_number_and_its_open_session_ends(client, corp, now):
    worker = Client()
    worker.force_login(corp.worker_user)
    assert worker.get(reverse("portal:home")).status_code == 200
    client.force_login(corp.admin_user)

    response = client.post(set_access_url(corp.worker.msisdn), {"action": "close", "back": "?q=Петров"})

    assert response.status_code == 302
    assert response["Location"] == PAGE + "?q=%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2"  # ?q=Петров
    assert "закрыт" in client.get(response["Location"]).content.decode()
    denial = access_denial(subscriber=corp.worker)
    assert denial is not None
    assert denial.code == "access_closed_corporate"
    event = AuditEvent.objects.get(action="access.closed")
    assert (event.actor, event.client, event.subscriber, event.channel) == (
        corp.admin_user,
        corp.client,
        corp.worker,
        "web",
    )
    ended = worker.get(reverse("portal:home"))
    assert ended.status_code == 302
    assert ended["Location"] == reverse("portal:login")

    client.post(set_access_url(corp.worker.msisdn), {"action": "open"})
    assert access_denial(subscriber=corp.worker) is None


def test_auth_11_htmx_swaps_the_row(client, corp):
    client.force_login(corp.supervisor_user)

    response = client.post(set_access_url(corp.worker.msisdn), {"action": "close"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<article id="number-{corp.worker.msisdn}"')
    assert "Открыть доступ" in row
    assert "Доступ номера" in row


def test_auth_11_another_clients_number_is_404_and_nothing_changes(client, corp, other_number):
    client.force_login(corp.admin_user)
    before = snapshot()

    response = client.post(set_access_url(other_number.msisdn), {"action": "close"})

    assert response.status_code == 404
    assert client.post(set_access_url("375290000000"), {"action": "close"}).status_code == 404
    assert snapshot() == before


def test_auth_11_page_is_404_without_a_role_and_absent_from_the_menu(client, corp):
    client.force_login(corp.worker_user)
    before = snapshot()
    assert client.get(PAGE).status_code == 404
    assert client.post(set_access_url(corp.worker2.msisdn), {"action": "close"}).status_code == 404
    assert snapshot() == before
    assert "Корпоративный кабинет" not in client.get(reverse("portal:home")).content.decode()

    client.force_login(corp.admin_user)
    assert "Корпоративный кабинет" in client.get(reverse("portal:home")).content.decode()


def test_auth_11_supervisor_without_the_right_sees_no_buttons_and_cannot_post(client, corp, staff_actor, now):
    corporate_role_assign(
        subscriber=corp.supervisor, role="supervisor", rights=["services"], actor=staff_actor, now=now
    )
    client.force_login(corp.supervisor_user)
    page = client.get(PAGE).content.decode()
    assert format_msisdn(corp.worker.msisdn) in page
    assert "Закрыть доступ" not in page
    before = snapshot()

    response = client.post(set_access_url(corp.worker.msisdn), {"action": "close"}, follow=True)

    assert "Ваша роль не позволяет управлять доступом" in response.content.decode()
    assert snapshot() == before


def test_auth_11_bad_action_and_missing_csrf_change_nothing(corp):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(corp.admin_user)
    before = snapshot()
    assert browser.post(set_access_url(corp.worker.msisdn), {"action": "close"}).status_code == 403
    browser = Client()
    browser.force_login(corp.admin_user)
    assert browser.post(set_access_url(corp.worker.msisdn), {"action": "explode"}).status_code == 400
    assert browser.get(set_access_url(corp.worker.msisdn)).status_code == 405
    assert snapshot() == before
    assert not AccessBlock.objects.exists()
