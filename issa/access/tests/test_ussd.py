"""AUTH-10 through the USSD gateway: *141*3*6# closes and opens one's own ISSA access."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.conf import settings

from issa.access.models import AccessBlock, PukAttempt
from issa.access.selectors import access_denial
from issa.identity.models import AuditEvent
from issa.notifications.models import SmsMessage
from issa.ussd.models import UssdSession

from .conftest import PUK1, snapshot

pytestmark = pytest.mark.django_db
_sessions = itertools.count(1)


class Phone:
    """A handset talking to the USSD gateway endpoint like the operator's USSD centre does."""

    def __init__(self, client: Any, msisdn: str) -> None:
        self.client = client
        self.msisdn = msisdn
        self.session = ""

    def _post(self, text: str) -> dict[str, Any]:
        response = self.client.post(
            "/ussd/gateway",
            {"session_id": self.session, "msisdn": self.msisdn, "text": text},
            content_type="application/json",
            headers={"X-Ussd-Token": settings.ISSA_USSD_TOKEN},
        )
        assert response.status_code == 200
        return response.json()

    def dial(self, code: str) -> dict[str, Any]:
        self.session = f"test-{next(_sessions)}"
        return self._post(code)

    def reply(self, text: str) -> dict[str, Any]:
        return self._post(text)


@pytest.fixture
def phone(client, subscriber):
    return Phone(client, subscriber.msisdn)


def test_auth_10_ussd_menu_shows_state_and_closes(phone, subscriber):
    menu = phone.dial("*141*3*6#")
    assert menu == {
        "text": "Доступ в Личный кабинет открыт.\n1 — закрыть доступ\n2 — открыть доступ",
        "end": False,
    }

    done = phone.reply("1")

    assert done["end"] is True
    assert done["text"] == "Доступ в Личный кабинет закрыт. Чтобы открыть, наберите *141*3*6#."
    assert access_denial(subscriber=subscriber).code == "access_closed_subscriber"  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action="access.closed")
    assert (event.channel, event.subscriber_id) == ("ussd", subscriber.pk)
    assert "*141*3*6#" in SmsMessage.objects.get(msisdn=subscriber.msisdn).body


def test_auth_10_ussd_direct_form_closes_at_once(phone, subscriber):
    done = phone.dial("*141*3*6*1#")
    assert done["end"] is True
    assert AccessBlock.objects.filter(subscriber=subscriber, lifted_at__isnull=True).count() == 1


def test_auth_10_ussd_opening_asks_for_puk1_and_opens(phone, subscriber):
    phone.dial("*141*3*6*1#")
    assert phone.dial("*141*3*6#")["text"].startswith("Доступ в Личный кабинет закрыт.\n1 — закрыть")

    ask = phone.reply("2")
    assert ask == {"text": "Введите код PUK1 вашей SIM-карты:", "end": False}
    done = phone.reply(PUK1)

    assert done == {"text": "Доступ в Личный кабинет открыт.", "end": True}
    assert access_denial(subscriber=subscriber) is None
    # The PUK1 is kept nowhere: not in the dialogue's stored state, not in the audit trail.
    assert all(PUK1 not in str(s.data) for s in UssdSession.objects.all())
    assert all(PUK1 not in str(e.details) for e in AuditEvent.objects.all())
    assert SmsMessage.objects.filter(msisdn=subscriber.msisdn).latest("id").body == "Доступ в Личный кабинет открыт."


def test_auth_10_ussd_direct_open_form_also_asks_for_puk1(phone, subscriber):
    phone.dial("*141*3*6*1#")
    assert phone.dial("*141*3*6*2#") == {"text": "Введите код PUK1 вашей SIM-карты:", "end": False}
    assert phone.reply(PUK1)["text"] == "Доступ в Личный кабинет открыт."


def test_auth_10_ussd_wrong_puk1_keeps_access_closed(phone, subscriber):
    phone.dial("*141*3*6*1#")
    phone.dial("*141*3*6*2#")
    before = snapshot()

    done = phone.reply("99999999")

    assert done == {"text": "Неверный код PUK1. Осталось попыток: 2.", "end": True}
    after = snapshot()
    assert (after.blocks, after.sms) == (before.blocks, before.sms)
    assert PukAttempt.objects.filter(subscriber=subscriber).count() == 1  # committed despite the refusal


def test_auth_10_ussd_tries_run_out(phone, subscriber):
    phone.dial("*141*3*6*1#")
    for _ in range(3):
        phone.dial("*141*3*6*2#")
        phone.reply("1111")
    phone.dial("*141*3*6*2#")
    before = snapshot()

    done = phone.reply(PUK1)

    assert done["text"] == "Слишком много неверных кодов PUK1. Повторите завтра или позвоните по номеру 411."
    assert snapshot() == before


def test_auth_10_ussd_closing_twice_and_opening_open_are_refused(phone, subscriber):
    before = snapshot()
    assert phone.dial("*141*3*6*2#") == {"text": "Доступ уже открыт.", "end": True}
    assert snapshot() == before

    phone.dial("*141*3*6*1#")
    before = snapshot()
    assert phone.dial("*141*3*6*1#") == {"text": "Доступ уже закрыт.", "end": True}
    assert snapshot() == before


def test_auth_10_ussd_unknown_choice_changes_nothing(phone):
    phone.dial("*141*3*6#")
    before = snapshot()
    assert phone.reply("7")["end"] is True
    assert snapshot() == before


def test_auth_12_ussd_cannot_reopen_a_lost_sim(phone, subscriber, staff_actor, now):
    from issa.access.services import access_report_lost_sim

    access_report_lost_sim(subscriber=subscriber, note="411", actor=staff_actor, now=now)
    before = snapshot()

    done = phone.dial("*141*3*6*2#")  # the lost-SIM block is not the subscriber's to lift

    assert done["end"] is True
    assert done["text"] == (
        "Личный кабинет для этого номера отключён: заявлено об утере SIM-карты. "
        "Позвоните по номеру 411 или обратитесь в центр продаж."
    )
    assert snapshot() == before
