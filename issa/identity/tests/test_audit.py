"""The audit trail (AUTH-13): written in the transaction of the change it records, append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from issa.core.models import AppendOnlyError
from issa.customers.models import Client
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.identity.services import audit_record
from issa.testing.factories import SubscriberFactory

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
ACTOR = Actor(channel="web", ip="192.0.2.10", user_agent="pytest", label="test")


class Boom(Exception):
    pass


def rename(client: Client, name: str) -> None:
    """A use case in miniature: one change and its audit event in one transaction."""
    with transaction.atomic():
        client.name = name
        client.save(update_fields=["name"])
        audit_record(actor=ACTOR, action="client.rename", now=NOW, client=client, obj=client,
                     details={"name": name})  # fmt: skip


@pytest.mark.django_db
def test_auth_13_event_says_who_what_when_where_and_for_whom() -> None:
    subscriber = SubscriberFactory.create()
    event = audit_record(actor=ACTOR, action="sim.reveal", now=NOW, subscriber=subscriber, obj=subscriber.sim)
    event.refresh_from_db()
    assert (event.at, event.action, event.channel, event.ip, event.user_agent) == (
        NOW, "sim.reveal", "web", "192.0.2.10", "pytest",
    )  # fmt: skip
    assert event.actor_label == "test"
    assert event.subscriber == subscriber
    assert event.client == subscriber.account.client  # on whose behalf: the subscriber's client
    assert (event.object_type, event.object_id) == ("subscribers.Sim", str(subscriber.sim.pk))


@pytest.mark.django_db
def test_auth_13_committed_change_has_its_event() -> None:
    client = SubscriberFactory.create().account.client
    rename(client, "Новое имя")
    assert Client.objects.get(pk=client.pk).name == "Новое имя"
    assert AuditEvent.objects.filter(action="client.rename", client=client).count() == 1


@pytest.mark.django_db
def test_auth_13_rolled_back_change_leaves_no_event() -> None:
    client = SubscriberFactory.create().account.client
    before = client.name

    def rename_then_fail() -> None:
        with transaction.atomic():
            rename(client, "Не сохранится")
            raise Boom

    with pytest.raises(Boom):
        rename_then_fail()
    assert Client.objects.get(pk=client.pk).name == before
    assert AuditEvent.objects.count() == 0


@pytest.fixture
def event(db):
    return audit_record(actor=ACTOR, action="login", now=NOW)


def test_auth_13_orm_refuses_to_change_or_delete_an_event(event: AuditEvent) -> None:
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_auth_13_database_refuses_raw_update_of_an_event(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE identity_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush")
def test_auth_13_database_refuses_raw_delete_of_an_event_on_postgresql(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM identity_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
