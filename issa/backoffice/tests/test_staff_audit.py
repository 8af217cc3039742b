"""AUTH-13 in the back office: every add, change and delete made by staff through a form writes an
audit event (who, what, which fields, when, from where) in the same transaction; admins that audit
their own saves (the catalogue) are not audited twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client

from issa.backoffice.adminsite import AuditedChanges
from issa.catalog.models import TariffPlan
from issa.identity.models import AuditEvent, User
from issa.support.models import AnswerTemplate
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db

TEMPLATES = "/staff/support/answertemplate/"


@pytest.fixture
def boss(db: Any) -> tuple[Client, User]:
    user = User.objects.create_superuser("boss", None, full_name="Старший смены")
    client = Client(REMOTE_ADDR="10.1.2.3")
    staff_login(client, user)
    return client, user


def _events(prefix: str) -> list[tuple[Any, ...]]:
    return [
        (e.action, e.actor_id, e.channel, e.ip)
        for e in AuditEvent.objects.filter(action__startswith=prefix).order_by("pk")
    ]


def test_auth_13_staff_add_change_delete_through_forms_are_audited(boss: tuple[Client, User]) -> None:
    client, user = boss
    response = client.post(f"{TEMPLATES}add/", {"title": "Роуминг", "text": "Подключите роуминг.", "active": "on"})
    assert response.status_code == 302
    template = AnswerTemplate.objects.get(title="Роуминг")

    client.post(f"{TEMPLATES}{template.pk}/change/", {"title": "Роуминг", "text": "Новый текст.", "active": "on"})
    client.post(f"{TEMPLATES}{template.pk}/delete/", {"post": "yes"})
    assert not AnswerTemplate.objects.filter(pk=template.pk).exists()

    who = (user.pk, "admin", "10.1.2.3")
    assert _events("staff.support.answertemplate") == [
        ("staff.support.answertemplate.added", *who),
        ("staff.support.answertemplate.changed", *who),
        ("staff.support.answertemplate.deleted", *who),
    ]
    changed = AuditEvent.objects.get(action="staff.support.answertemplate.changed")
    assert changed.details["fields"] == ["text"]
    assert "Новый текст" not in str(changed.details)  # names of fields, never their values
    deleted = AuditEvent.objects.get(action="staff.support.answertemplate.deleted")
    assert (deleted.details["object"], deleted.details["object_id"]) == ("Роуминг", str(template.pk))


def test_auth_13_putting_a_staff_member_into_a_role_is_audited(boss: tuple[Client, User]) -> None:
    client, _ = boss
    member = User.objects.create_user("cc-new", None, kind=User.Kind.STAFF, is_staff=True, full_name="Оператор")
    group = Group.objects.get(name="Контакт-центр 411")
    response = client.post(
        f"/staff/identity/user/{member.pk}/change/",
        {"full_name": "Оператор", "email": "", "is_active": "on", "is_staff": "on", "groups": [str(group.pk)]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(member.groups.values_list("name", flat=True)) == ["Контакт-центр 411"]
    event = AuditEvent.objects.get(action="staff.identity.user.changed")
    assert (event.object_type, event.object_id, event.details["fields"]) == (
        "identity.User",
        str(member.pk),
        ["groups"],
    )


def test_auth_13_a_refused_form_writes_nothing(boss: tuple[Client, User]) -> None:
    client, _ = boss
    before = AuditEvent.objects.count()
    response = client.post(f"{TEMPLATES}add/", {"title": "", "text": ""})
    assert response.status_code == 200  # the form again, with its errors
    assert AuditEvent.objects.count() == before
    assert not AnswerTemplate.objects.exists()


def test_auth_13_every_admin_of_the_back_office_audits_its_changes() -> None:
    for model, model_admin in admin.site._registry.items():
        audited = isinstance(model_admin, AuditedChanges) or hasattr(model_admin, "audit_prefix")
        assert audited, f"{model._meta.label}: {type(model_admin).__name__} writes no audit events"


def test_auth_13_the_catalogue_is_audited_once_by_its_own_admin() -> None:
    model_admin = admin.site._registry[TariffPlan]
    assert not isinstance(model_admin, AuditedChanges)
    assert model_admin.audit_prefix == "catalog"  # type: ignore[attr-defined]
