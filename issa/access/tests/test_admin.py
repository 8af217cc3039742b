"""The back office (AUTH-11, AUTH-12): staff restrict, report a lost SIM, lift, assign roles and
enter a client's application, always with a reason, through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from issa.access.models import AccessBlock, CorporateRole
from issa.access.selectors import access_denial
from issa.identity.models import AuditEvent, User
from issa.testing.staff import staff_login

from .conftest import snapshot

pytestmark = pytest.mark.django_db

NUMBERS = "/staff/access/subscriberaccess/"
BLOCKS = "/staff/access/accessblock/"
ROLES = "/staff/access/corporaterole/"
CLIENTS = "/staff/access/clientaccess/"


@pytest.fixture
def office(client, staff):
    staff_login(client, staff)
    return client


def act(office, url, action, pks, **form):
    """Run an admin action: the first POST shows the form, the second (with ``apply``) does it."""
    data = {"action": action, "_selected_action": [str(pk) for pk in pks]}
    first = office.post(url, data)
    assert first.status_code == 200  # the intermediate page asks for the reason
    return office.post(url, {**data, "apply": "1", **form}, follow=True)


def test_auth_12_staff_find_a_number_and_restrict_it_with_a_reason(office, subscriber, staff):
    assert reverse("admin:access_subscriberaccess_changelist") == NUMBERS
    typed = (
        f"+375 ({subscriber.msisdn[3:5]}) {subscriber.msisdn[5:8]}-{subscriber.msisdn[8:10]}-{subscriber.msisdn[10:]}"
    )
    found = office.get(NUMBERS, {"q": typed})
    assert found.status_code == 200
    assert f"/{subscriber.pk}/change/" in found.content.decode()

    response = act(office, NUMBERS, "restrict_offence", [subscriber.pk], note="Подозрение в мошенничестве")

    assert response.status_code == 200
    block = AccessBlock.objects.get(subscriber=subscriber)
    assert (block.reason, block.note, block.set_by, block.set_channel) == (
        "offence",
        "Подозрение в мошенничестве",
        staff,
        "admin",
    )
    event = AuditEvent.objects.get(action="access.closed")
    assert (event.actor, event.channel) == (staff, "admin")
    closed = office.get(NUMBERS, {"access": "closed"}).content.decode()
    assert subscriber.msisdn[-7:-4] in closed
    page = office.get(f"{NUMBERS}{subscriber.pk}/change/").content.decode()
    assert "Подозрение в мошенничестве" in page  # the history inline


def test_auth_12_a_reason_is_required_nothing_changes_without_it(office, subscriber):
    before = snapshot()
    data = {"action": "restrict_offence", "_selected_action": [str(subscriber.pk)], "apply": "1", "note": ""}
    response = office.post(NUMBERS, data)
    assert response.status_code == 200  # the form again, with its error
    assert snapshot() == before


def test_auth_12_lost_sim_and_lifting_from_the_block_list(office, subscriber):
    act(office, NUMBERS, "report_lost_sim", [subscriber.pk], note="Звонок в 411, паспорт проверен")
    block = AccessBlock.objects.get(subscriber=subscriber)
    assert access_denial(subscriber=subscriber).code == "access_closed_lost_sim"  # type: ignore[union-attr]
    listing = office.get(BLOCKS, {"active": "yes", "reason__exact": "lost_sim"}).content.decode()
    assert "Звонок в 411" in listing

    act(office, BLOCKS, "lift", [block.pk], note="SIM заменена в центре продаж")

    block.refresh_from_db()
    assert block.lift_note == "SIM заменена в центре продаж"
    assert access_denial(subscriber=subscriber) is None
    assert "Звонок в 411" in office.get(BLOCKS, {"active": "no"}).content.decode()  # history kept


def test_auth_12_lifting_twice_reports_an_error_and_changes_nothing(office, subscriber):
    act(office, NUMBERS, "restrict_offence", [subscriber.pk], note="A")
    block = AccessBlock.objects.get()
    act(office, BLOCKS, "lift", [block.pk], note="B")
    before = snapshot()
    response = act(office, BLOCKS, "lift", [block.pk], note="C")
    assert "Доступ уже открыт." in response.content.decode()
    assert snapshot() == before


def test_auth_11_staff_assign_roles_and_a_person_cannot_have_an_administrator(office, corp, subscriber):
    before = snapshot()
    response = act(office, NUMBERS, "assign_role", [subscriber.pk], role="administrator", application="№5")
    assert "Администратора можно назначить только юридическому лицу." in response.content.decode()
    assert snapshot() == before

    act(office, NUMBERS, "assign_role", [corp.worker.pk], role="supervisor", rights=["access", "finance"])

    role = CorporateRole.objects.get(subscriber=corp.worker, revoked_at__isnull=True)
    assert (role.role, role.rights, role.client) == ("supervisor", ["access", "finance"], corp.client)
    act(office, ROLES, "revoke", [role.pk], note="Заявление об отзыве")
    role.refresh_from_db()
    assert role.revoke_note == "Заявление об отзыве"
    assert AuditEvent.objects.filter(action="access.role_revoked", subscriber=corp.worker).count() == 1


def test_auth_11_clients_application_closes_all_its_numbers(office, corp):
    act(office, CLIENTS, "close_by_application", [corp.client.pk], note="Письмо №12 от 01.03.2026")

    for number in (corp.admin, corp.supervisor, corp.worker, corp.worker2):
        assert access_denial(subscriber=number).code == "access_closed_client"  # type: ignore[union-attr]

    act(office, CLIENTS, "open_by_application", [corp.client.pk], note="Письмо №13")
    assert access_denial(subscriber=corp.admin) is None


def test_auth_12_staff_without_the_permission_cannot_act(client, subscriber):
    clerk = User.objects.create_user("clerk", "Clerk12345", kind=User.Kind.STAFF, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_subscriberaccess"))
    staff_login(client, clerk)
    assert client.get(NUMBERS).status_code == 200  # may look ...
    before = snapshot()
    data = {"action": "restrict_offence", "_selected_action": [str(subscriber.pk)], "apply": "1", "note": "x"}
    client.post(NUMBERS, data)  # ... but the action is not offered to them
    assert snapshot() == before


def test_auth_12_rows_are_not_edited_in_place(office, subscriber):
    act(office, NUMBERS, "restrict_offence", [subscriber.pk], note="A")
    block = AccessBlock.objects.get()
    assert office.get(f"{BLOCKS}add/").status_code == 403
    assert office.post(f"{BLOCKS}{block.pk}/delete/", {"post": "yes"}).status_code == 403
    assert office.get(f"{BLOCKS}{block.pk}/change/").status_code == 200
    assert office.get(f"{ROLES}add/").status_code == 403
