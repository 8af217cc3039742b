"""ISSA access through the services: AUTH-10 (the subscriber), AUTH-11 (the client and its
corporate roles), AUTH-12 (the operator's staff). Every refusal asserts that nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from issa.access import services
from issa.access.models import AccessBlock, CorporateRole, PukAttempt
from issa.access.selectors import access_denial, access_state, corporate_numbers, denial_for_code
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.notifications.models import SmsMessage
from issa.testing.factories import ClientFactory

from .conftest import PUK1, make_subscriber, snapshot

pytestmark = pytest.mark.django_db


def ussd_actor(subscriber):
    return Actor(channel="ussd", label=f"USSD {subscriber.msisdn}")


# --- AUTH-10 -----------------------------------------------------------------------------------


def test_auth_10_subscriber_closes_own_access_block_audit_and_sms(subscriber, now):
    assert access_denial(subscriber=subscriber) is None

    block = services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)

    assert block.reason == AccessBlock.Reason.SUBSCRIBER
    assert block.set_at == now
    assert block.set_channel == "ussd"
    denial = access_denial(subscriber=subscriber)
    assert denial is not None
    assert denial.code == "access_closed_subscriber"
    with translation.override("ru"):
        assert "*141*3*6#" in denial.text()
        assert "PUK1" in denial.text()
    event = AuditEvent.objects.get(action="access.closed")
    assert event.subscriber == subscriber
    assert event.channel == "ussd"
    assert event.details == {"reason": "subscriber"}
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn)
    assert "*141*3*6#" in sms.body
    assert sms.body.startswith("Доступ в Личный кабинет закрыт")


def test_auth_10_closing_twice_is_refused_and_changes_nothing(subscriber, now):
    services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)

    assert error.value.code == "access_already_closed"
    assert snapshot() == before


def test_auth_10_reopening_with_puk1_lifts_the_block_and_keeps_history(subscriber, now):
    block = services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    later = now + timedelta(hours=2)

    lifted = services.access_open_by_subscriber(
        subscriber=subscriber, puk1=PUK1, actor=ussd_actor(subscriber), now=later
    )

    assert lifted.pk == block.pk
    block.refresh_from_db()
    assert block.lifted_at == later
    assert block.lifted_channel == "ussd"
    assert AccessBlock.objects.filter(subscriber=subscriber).count() == 1  # history kept
    assert access_denial(subscriber=subscriber) is None
    assert AuditEvent.objects.filter(action="access.opened", subscriber=subscriber).count() == 1
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn).latest("id").body == "Доступ в Личный кабинет открыт."


def test_auth_10_wrong_puk1_keeps_access_closed_and_is_counted(subscriber, now):
    services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.access_open_by_subscriber(
            subscriber=subscriber, puk1="00000000", actor=ussd_actor(subscriber), now=now
        )

    assert error.value.code == "wrong_puk"
    assert error.value.params["left"] == 2
    after = snapshot()
    assert after.blocks == before.blocks  # still closed
    assert after.sms == before.sms  # no SMS
    assert after.puk_attempts == before.puk_attempts + 1  # the try is counted ...
    event = AuditEvent.objects.latest("id")  # ... and audited as denied, without the code
    assert (event.action, event.outcome) == ("access.open_wrong_puk", "denied")
    assert "00000000" not in str(event.details)


def test_auth_10_puk1_tries_are_limited_even_the_right_code_is_refused_then(subscriber, now):
    services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    for _ in range(3):
        with pytest.raises(DomainError):
            services.access_open_by_subscriber(subscriber=subscriber, puk1="1", actor=ussd_actor(subscriber), now=now)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.access_open_by_subscriber(subscriber=subscriber, puk1=PUK1, actor=ussd_actor(subscriber), now=now)

    assert error.value.code == "puk_attempts_exhausted"
    assert snapshot() == before
    # A day later the window has passed: the right code opens, and the counter is cleared.
    services.access_open_by_subscriber(
        subscriber=subscriber, puk1=PUK1, actor=ussd_actor(subscriber), now=now + timedelta(hours=25)
    )
    assert access_denial(subscriber=subscriber) is None
    assert PukAttempt.objects.count() == 0


def test_auth_10_opening_an_open_access_is_refused(subscriber, now):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_open_by_subscriber(subscriber=subscriber, puk1=PUK1, actor=ussd_actor(subscriber), now=now)
    assert error.value.code == "access_already_open"
    assert snapshot() == before


def test_auth_10_puk1_cannot_lift_the_operators_restriction(subscriber, now, staff_actor):
    services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    services.access_restrict_by_operator(subscriber=subscriber, note="Мошенничество", actor=staff_actor, now=now)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.access_open_by_subscriber(subscriber=subscriber, puk1=PUK1, actor=ussd_actor(subscriber), now=now)

    assert error.value.code == "access_closed_offence"
    assert snapshot() == before


# --- AUTH-11 -----------------------------------------------------------------------------------


def test_auth_11_application_closes_every_number_of_the_legal_entity(corp, staff_actor, now):
    blocks = services.access_close_for_client(
        client=corp.client, note="Заявление №7 от 10.03.2026", actor=staff_actor, now=now
    )

    closed = {b.subscriber_id for b in blocks}
    assert closed == {corp.admin.pk, corp.supervisor.pk, corp.worker.pk, corp.worker2.pk}
    for number in (corp.admin, corp.supervisor, corp.worker, corp.worker2):
        denial = access_denial(subscriber=number)
        assert denial is not None
        assert denial.code == "access_closed_client"
    events = AuditEvent.objects.filter(action="access.closed", client=corp.client)
    assert events.count() == 4
    assert {e.actor_id for e in events} == {staff_actor.user.pk}
    # A new application opens them again; the history stays.
    services.access_open_for_client(client=corp.client, note="Заявление №8", actor=staff_actor, now=now)
    assert access_denial(subscriber=corp.worker) is None
    assert AccessBlock.objects.filter(subscriber__account__client=corp.client).count() == 4


def test_auth_11_application_of_a_person_is_refused(subscriber, staff_actor, now):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_close_for_client(client=subscriber.account.client, note="Заявление", actor=staff_actor, now=now)
    assert error.value.code == "not_legal_entity"
    assert snapshot() == before


def test_auth_11_application_needs_its_reference(corp, staff_actor, now):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_close_for_client(client=corp.client, note="  ", actor=staff_actor, now=now)
    assert error.value.code == "note_required"
    assert snapshot() == before


def test_auth_11_administrator_only_for_legal_entities(subscriber, staff_actor, now):
    assert subscriber.account.client.kind == "person"
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.corporate_role_assign(subscriber=subscriber, role="administrator", actor=staff_actor, now=now)

    assert error.value.code == "administrator_legal_only"
    assert snapshot() == before
    # A person client may still have a supervisor.
    role = services.corporate_role_assign(
        subscriber=subscriber, role="supervisor", rights=["access"], actor=staff_actor, now=now
    )
    assert role.client == subscriber.account.client


def test_auth_11_roles_rights_and_replacement(corp, staff_actor, now):
    assert corp.admin_role.effective_rights == ["access", "services", "finance"]
    assert corp.supervisor_role.effective_rights == ["access"]
    assert not corp.supervisor_role.has_right(CorporateRole.Right.SERVICES)
    event = AuditEvent.objects.get(action="access.role_granted", subscriber=corp.admin)
    assert event.actor == staff_actor.user
    assert event.details["application"] == "Заявление №1"

    changed = services.corporate_role_assign(
        subscriber=corp.supervisor, role="supervisor", rights=["access", "services"], actor=staff_actor, now=now
    )

    corp.supervisor_role.refresh_from_db()
    assert corp.supervisor_role.revoked_at == now
    assert changed.effective_rights == ["access", "services"]
    assert CorporateRole.objects.filter(subscriber=corp.supervisor).count() == 2
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.corporate_role_assign(
            subscriber=corp.supervisor, role="supervisor", rights=["fly"], actor=staff_actor, now=now
        )
    assert error.value.code == "unknown_right"
    assert snapshot() == before


def test_auth_11_administrator_closes_and_opens_a_number_of_the_client(corp, now):
    actor = Actor(channel="web", user=corp.admin_user)

    services.access_set_by_corporate(role=corp.admin_role, subscriber=corp.worker, open=False, actor=actor, now=now)

    denial = access_denial(subscriber=corp.worker)
    assert denial is not None
    assert denial.code == "access_closed_corporate"
    event = AuditEvent.objects.filter(action="access.closed").latest("id")
    assert (event.actor, event.client, event.subscriber) == (corp.admin_user, corp.client, corp.worker)
    assert SmsMessage.objects.filter(msisdn=corp.worker.msisdn).count() == 1
    listed = {s.msisdn: s.access_closed for s in corporate_numbers(role=corp.admin_role)}  # type: ignore[attr-defined]
    assert listed[corp.worker.msisdn] is True
    assert listed[corp.worker2.msisdn] is False

    services.access_set_by_corporate(role=corp.admin_role, subscriber=corp.worker, open=True, actor=actor, now=now)
    assert access_denial(subscriber=corp.worker) is None


def test_auth_11_another_clients_number_is_not_found(corp, other_number, now):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_set_by_corporate(
            role=corp.admin_role,
            subscriber=other_number,
            open=False,
            actor=Actor(channel="web", user=corp.admin_user),
            now=now,
        )
    assert error.value.http_status == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "target", "code"),
    [
        ("supervisor_without_right", "worker", "right_missing"),
        ("supervisor", "admin", "administrator_number"),
        ("admin", "admin", "own_number"),
    ],
)
def test_auth_11_corporate_refusals_change_nothing(corp, staff_actor, now, who, target, code):
    if who == "supervisor_without_right":
        role = services.corporate_role_assign(
            subscriber=corp.supervisor, role="supervisor", rights=["services"], actor=staff_actor, now=now
        )
    else:
        role = getattr(corp, f"{who}_role")
    before = snapshot()

    with pytest.raises(DomainError) as error:
        services.access_set_by_corporate(
            role=role, subscriber=getattr(corp, target), open=False, actor=Actor(channel="web"), now=now
        )

    assert error.value.code == code
    assert snapshot() == before


def test_auth_11_corporate_cannot_open_what_it_did_not_close(corp, staff_actor, now):
    services.access_restrict_by_operator(subscriber=corp.worker, note="Проверка", actor=staff_actor, now=now)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_set_by_corporate(
            role=corp.admin_role, subscriber=corp.worker, open=True, actor=Actor(channel="web"), now=now
        )
    assert error.value.code == "access_closed_elsewhere"
    assert snapshot() == before


def test_auth_11_revoked_role_cannot_act(corp, staff_actor, now):
    services.corporate_role_revoke(role=corp.admin_role, note="Уволен", actor=staff_actor, now=now)
    corp.admin_role.refresh_from_db()
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_set_by_corporate(
            role=corp.admin_role, subscriber=corp.worker, open=False, actor=Actor(channel="web"), now=now
        )
    assert error.value.code == "no_corporate_role"
    assert snapshot() == before


def test_auth_11_search_and_filters_of_the_client_numbers(corp, other_number, now):
    numbers = corporate_numbers(role=corp.admin_role)
    assert other_number.msisdn not in {s.msisdn for s in numbers}
    assert [s.msisdn for s in corporate_numbers(role=corp.admin_role, search="Петров")] == [corp.worker.msisdn]
    assert [s.msisdn for s in corporate_numbers(role=corp.admin_role, search=corp.worker.msisdn[-7:])] == [
        corp.worker.msisdn
    ]
    services.access_set_by_corporate(
        role=corp.admin_role, subscriber=corp.worker2, open=False, actor=Actor(channel="web"), now=now
    )
    assert [s.msisdn for s in corporate_numbers(role=corp.admin_role, access="closed")] == [corp.worker2.msisdn]


# --- AUTH-12 -----------------------------------------------------------------------------------


def test_auth_12_staff_restrict_on_suspicion_and_lift_with_reasons(subscriber, staff_actor, now):
    block = services.access_restrict_by_operator(
        subscriber=subscriber, note="Подозрение в мошенничестве, обращение №55", actor=staff_actor, now=now
    )

    denial = access_denial(subscriber=subscriber)
    assert denial is not None
    assert denial.code == "access_closed_offence"
    with translation.override("ru"):
        assert "411" in denial.text()
    event = AuditEvent.objects.get(action="access.closed")
    assert (event.actor, event.channel, event.details["note"]) == (
        staff_actor.user,
        "admin",
        "Подозрение в мошенничестве, обращение №55",
    )
    assert SmsMessage.objects.count() == 0  # the suspect is not warned

    services.access_block_lift(block=block, note="Проверка завершена", actor=staff_actor, now=now)
    block.refresh_from_db()
    assert block.lift_note == "Проверка завершена"
    assert access_denial(subscriber=subscriber) is None


def test_auth_12_lost_sim_disables_issa_without_sms(subscriber, staff_actor, now):
    services.access_report_lost_sim(subscriber=subscriber, note="Звонок в 411", actor=staff_actor, now=now)

    denial = access_denial(subscriber=subscriber)
    assert denial is not None
    assert denial.code == "access_closed_lost_sim"
    assert SmsMessage.objects.count() == 0  # it would reach whoever holds the SIM
    assert denial_for_code("access_closed_lost_sim").code == "access_closed_lost_sim"  # type: ignore[union-attr]
    state = access_state(subscriber=subscriber)
    assert (state.open, state.reasons, state.since) == (False, ["lost_sim"], now)


def test_auth_12_the_operators_measure_shows_before_others(subscriber, staff_actor, now):
    services.access_close_by_subscriber(subscriber=subscriber, actor=ussd_actor(subscriber), now=now)
    services.access_report_lost_sim(subscriber=subscriber, note="411", actor=staff_actor, now=now)
    assert access_denial(subscriber=subscriber).code == "access_closed_lost_sim"  # type: ignore[union-attr]


@pytest.mark.parametrize("service", ["access_restrict_by_operator", "access_report_lost_sim"])
def test_auth_12_staff_must_give_a_reason(subscriber, staff_actor, now, service):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        getattr(services, service)(subscriber=subscriber, note="", actor=staff_actor, now=now)
    assert error.value.code == "note_required"
    assert snapshot() == before


def test_auth_12_restricting_twice_and_lifting_twice_are_refused(subscriber, staff_actor, now):
    block = services.access_restrict_by_operator(subscriber=subscriber, note="A", actor=staff_actor, now=now)
    before = snapshot()
    with pytest.raises(DomainError):
        services.access_restrict_by_operator(subscriber=subscriber, note="B", actor=staff_actor, now=now)
    assert snapshot() == before
    services.access_block_lift(block=block, note="C", actor=staff_actor, now=now)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_block_lift(block=block, note="D", actor=staff_actor, now=now)
    assert error.value.code == "access_already_open"
    assert snapshot() == before


def test_auth_12_closed_contract_cannot_be_restricted(staff_actor, now):
    closed = make_subscriber(status="closed", account__client=ClientFactory())
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.access_restrict_by_operator(subscriber=closed, note="x", actor=staff_actor, now=now)
    assert error.value.code == "subscriber_closed"
    assert snapshot() == before
