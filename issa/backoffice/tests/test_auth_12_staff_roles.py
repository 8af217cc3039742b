"""Staff roles with the least rights each job needs (issue 9, AUTH-12): groups defined in
issa/backoffice/roles.py, synced after migrate and by ``manage.py issa_staff_roles``; for each
role one page it needs opens and one it does not need is refused, and a refused action changes
nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from issa.access.models import AccessBlock, CorporateRole
from issa.backoffice.roles import ROLES, permissions_of, roles_sync
from issa.identity.models import AuditEvent, User
from issa.notifications.models import SmsMessage
from issa.payments.models import ExpressCardBatch
from issa.subscribers.models import Subscriber
from issa.testing.factories import UserFactory, subscriber_with_balance

pytestmark = pytest.mark.django_db

NUMBERS = "/staff/access/subscriberaccess/"
SUBSCRIBERS = "/staff/subscribers/subscriber/"


def _perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_auth_12_every_role_is_a_group_with_exactly_its_permissions_after_migrate() -> None:
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        assert _perms(group) == set(role.permissions)
        assert len(permissions_of(role.permissions)) == len(set(role.permissions))  # each one exists


def test_auth_12_sync_puts_a_hand_edited_group_back_and_is_idempotent() -> None:
    group = Group.objects.get(name="Контакт-центр 411")
    stray = Permission.objects.get(codename="change_refundrequest")
    group.permissions.add(stray)
    group.permissions.remove(Permission.objects.get(codename="access_restrict"))
    synced = AuditEvent.objects.filter(action="staff.role_synced").count()

    report = roles_sync()

    assert report["Контакт-центр 411"] == {
        "created": False,
        "added": ["backoffice.access_restrict"],
        "removed": ["finance.change_refundrequest"],
    }
    assert _perms(group) == set(ROLES[0].permissions)
    assert AuditEvent.objects.filter(action="staff.role_synced").count() == synced + 1
    event = AuditEvent.objects.filter(action="staff.role_synced").latest("pk")
    assert (event.channel, event.details["role"]) == ("system", "cc411")
    before = AuditEvent.objects.count()
    assert all(not r["added"] and not r["removed"] for r in roles_sync().values())  # nothing left to do
    assert AuditEvent.objects.count() == before


def test_auth_12_command_lists_checks_and_syncs() -> None:
    out = StringIO()
    call_command("issa_staff_roles", "--check", stdout=out)
    assert "match" in out.getvalue()
    Group.objects.get(name="Финансы").permissions.clear()
    with pytest.raises(CommandError, match="Финансы"):
        call_command("issa_staff_roles", "--check", stdout=StringIO())
    out = StringIO()
    call_command("issa_staff_roles", stdout=out)
    assert "Финансы: updated" in out.getvalue()
    call_command("issa_staff_roles", "--check", stdout=StringIO())
    listing = StringIO()
    call_command("issa_staff_roles", "--list", stdout=listing)
    assert "finance.change_refundrequest" in listing.getvalue()


# (role, a page the job needs, a page it does not need)
PAGES = [
    ("cc411", NUMBERS, "/staff/finance/refundrequest/"),
    ("sales", SUBSCRIBERS, "/staff/support/supportrequest/"),
    ("finance", "/staff/finance/refundrequest/", "/staff/catalog/tariffplan/"),
    ("catalog", "/staff/catalog/tariffplan/add/", NUMBERS),
    ("billing", "/staff/usage/quarantinedline/", "/staff/payments/expresscardbatch/issue/"),
    ("support", "/staff/support/supportrequest/", "/staff/billing/ledgerentry/"),
]


@pytest.mark.parametrize(("key", "allowed", "forbidden"), PAGES)
def test_auth_12_each_role_opens_its_pages_and_is_refused_others(
    as_role: Any, key: str, allowed: str, forbidden: str, django_assert_max_num_queries: Any
) -> None:
    client, _ = as_role(key)
    with django_assert_max_num_queries(40):
        assert client.get(allowed).status_code == 200
    assert client.get(forbidden).status_code == 403


def _act(client: Any, url: str, action: str, pks: list[int], **form: str) -> Any:
    data = {"action": action, "_selected_action": [str(pk) for pk in pks], "apply": "1", **form}
    return client.post(url, data)


def _access_state() -> tuple[list[Any], list[Any], int]:
    return (
        list(AccessBlock.objects.values_list("pk", "reason", "lifted_at")),
        list(CorporateRole.objects.values_list("pk", "role", "revoked_at")),
        AuditEvent.objects.exclude(action="staff.role_synced").count(),
    )


def test_auth_12_contact_centre_restricts_and_reports_lost_sim_but_cannot_assign_roles(as_role: Any) -> None:
    subscriber = subscriber_with_balance()
    client, user = as_role("cc411")
    page = client.get(NUMBERS).content.decode()
    assert 'value="restrict_offence"' in page
    assert 'value="report_lost_sim"' in page
    assert 'value="assign_role"' not in page

    before = _access_state()
    _act(client, NUMBERS, "assign_role", [subscriber.pk], role="admin", application="x")
    assert _access_state() == before  # refused: nothing changed, nothing audited

    _act(client, NUMBERS, "report_lost_sim", [subscriber.pk], note="Звонок в 411")
    block = AccessBlock.objects.get(subscriber=subscriber)
    assert (block.reason, block.set_by) == ("lost_sim", user)


def test_auth_12_sales_sets_puk1_registration_but_cannot_restrict_for_an_offence(as_role: Any) -> None:
    subscriber = subscriber_with_balance()
    client, _ = as_role("sales")
    before = _access_state()
    _act(client, NUMBERS, "restrict_offence", [subscriber.pk], note="x")
    assert _access_state() == before

    flag = subscriber.puk_registration
    client.post(SUBSCRIBERS, {"action": "enable_puk_registration", "_selected_action": [str(subscriber.pk)]})
    assert Subscriber.objects.get(pk=subscriber.pk).puk_registration is True
    assert flag is False


def test_auth_12_contact_centre_cannot_set_puk1_registration(as_role: Any) -> None:
    subscriber = subscriber_with_balance()
    client, _ = as_role("cc411")
    assert 'value="enable_puk_registration"' not in client.get(SUBSCRIBERS).content.decode()
    before = AuditEvent.objects.count()
    client.post(SUBSCRIBERS, {"action": "enable_puk_registration", "_selected_action": [str(subscriber.pk)]})
    assert Subscriber.objects.get(pk=subscriber.pk).puk_registration is False
    assert AuditEvent.objects.count() == before


def test_auth_12_billing_operations_cannot_issue_express_cards(as_role: Any) -> None:
    client, _ = as_role("billing")
    response = client.post(
        "/staff/payments/expresscardbatch/issue/", {"face_value": "10", "quantity": "5", "fmt": "csv", "note": ""}
    )
    assert response.status_code == 403
    assert not ExpressCardBatch.objects.exists()


def test_auth_12_no_role_may_edit_users_or_groups(as_role: Any) -> None:
    subscriber = subscriber_with_balance()
    user = UserFactory(subscriber=subscriber)
    for role in ROLES:
        client, _ = as_role(role.key)
        assert client.get("/staff/auth/group/").status_code == 403
        change = f"/staff/identity/user/{user.pk}/change/"
        if "identity.view_user" in role.permissions:  # the password helpers see users, read-only
            assert client.get("/staff/identity/user/").status_code == 200
            before = list(User.objects.values_list("pk", "is_staff", "is_active", "full_name"))
            response = client.post(change, {"full_name": "x", "is_active": "on", "is_staff": "on"})
            assert response.status_code == 403
            assert list(User.objects.values_list("pk", "is_staff", "is_active", "full_name")) == before
        else:
            assert client.get("/staff/identity/user/").status_code == 403


USERS = "/staff/identity/user/"


@pytest.mark.parametrize("key", ["cc411", "sales"])
def test_auth_12_password_helpers_send_a_temporary_password_and_unlock(as_role: Any, key: str) -> None:
    subscriber = subscriber_with_balance()
    user = UserFactory(subscriber=subscriber)
    client, staff = as_role(key)
    page = client.get(USERS).content.decode()
    assert 'value="send_temporary_password"' in page
    assert 'value="unlock"' in page

    client.post(USERS, {"action": "send_temporary_password", "_selected_action": [str(user.pk)]})
    user.refresh_from_db()
    assert user.must_change_password is True
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn).count() == 1
    client.post(USERS, {"action": "unlock", "_selected_action": [str(user.pk)]})
    actions = list(AuditEvent.objects.filter(actor=staff).values_list("action", flat=True).order_by("pk"))
    assert "auth.unlocked" in actions


@pytest.mark.parametrize("key", ["finance", "catalog", "billing", "support"])
def test_auth_12_other_roles_cannot_send_temporary_passwords(as_role: Any, key: str) -> None:
    subscriber = subscriber_with_balance()
    user = UserFactory(subscriber=subscriber)
    client, _ = as_role(key)
    before = (AuditEvent.objects.count(), SmsMessage.objects.count(), user.password)
    response = client.post(USERS, {"action": "send_temporary_password", "_selected_action": [str(user.pk)]})
    assert response.status_code == 403
    user.refresh_from_db()
    assert (AuditEvent.objects.count(), SmsMessage.objects.count(), user.password) == before
