"""The USSD gateway endpoint and dialogues, through HTTP as a gateway calls it (docs/ussd.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError
from issa.testing.factories import SubscriberFactory, subscriber_with_balance
from issa.ussd.models import UssdSession
from issa.ussd.registry import MENUS, Menu, Reply, UssdContext, ussd_menu

TOKEN = "test-ussd-token"
URL = "/ussd/gateway"


@pytest.fixture(autouse=True)
def _token(settings: Any) -> None:
    settings.ISSA_USSD_TOKEN = TOKEN


def dial(client: Client, text: str, *, msisdn: str, session: str = "gw-1", token: str = TOKEN) -> Any:
    body = {"session_id": session, "msisdn": msisdn, "text": text}
    return client.post(URL, json.dumps(body), content_type="application/json", headers={"x-ussd-token": token})


@pytest.fixture
def sum_menu() -> Iterator[None]:
    """A two-step dialogue registered for the test only: asks two numbers, answers their sum."""

    @ussd_menu("*199#")
    class SumMenu(Menu):
        def start(self, ctx: UssdContext) -> Reply:
            return Reply("Первое число?", end=False, next_step="first")

        def answer(self, ctx: UssdContext, text: str) -> Reply:
            if ctx.step == "first":
                ctx.data["first"] = int(text)
                return Reply("Второе число?", end=False, next_step="second")
            return Reply(f"Сумма: {ctx.data['first'] + int(text)}")

    @ussd_menu("*198#")
    class RefusingMenu(Menu):
        def start(self, ctx: UssdContext) -> Reply:
            return Reply("Продолжить? 1 - да", end=False, next_step="confirm")

        def answer(self, ctx: UssdContext, text: str) -> Reply:
            raise DomainError("not_allowed", _("Operation is not available for your tariff plan."))

    yield
    MENUS.pop("*199#", None)
    MENUS.pop("*198#", None)


@pytest.mark.django_db
def test_bad_or_missing_token_is_forbidden_and_starts_nothing(client: Client) -> None:
    subscriber = subscriber_with_balance(1234)
    assert dial(client, "*100#", msisdn=subscriber.msisdn, token="wrong").status_code == 403
    response = client.post(URL, json.dumps({"session_id": "x", "msisdn": subscriber.msisdn, "text": "*100#"}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert UssdSession.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"session_id": "gw-1", "text": "*100#"}).encode(),
        json.dumps({"session_id": "gw-1", "msisdn": "12345", "text": "*100#"}).encode(),
        json.dumps({"msisdn": "375291234567", "text": "*100#"}).encode(),
    ],
)
def test_bad_body_is_400_and_starts_nothing(client: Client, body: bytes) -> None:
    response = client.post(URL, body, content_type="application/json", headers={"x-ussd-token": TOKEN})
    assert response.status_code == 400
    assert response.json() == {"error": "bad_request"}
    assert UssdSession.objects.count() == 0


@pytest.mark.django_db
def test_get_is_not_allowed(client: Client) -> None:
    assert client.get(URL, headers={"x-ussd-token": TOKEN}).status_code == 405


@pytest.mark.django_db
def test_unknown_code_gets_a_clear_russian_answer(client: Client) -> None:
    subscriber = SubscriberFactory.create()
    response = dial(client, "*987654#", msisdn=subscriber.msisdn)
    assert response.status_code == 200
    assert response.json() == {"text": "Неизвестный запрос. Проверьте номер и наберите снова.", "end": True}
    assert UssdSession.objects.count() == 0


@pytest.mark.django_db
def test_balance_100_answers_in_russian_in_any_number_format(client: Client) -> None:
    subscriber = subscriber_with_balance(123456)
    typed = f"+375 {subscriber.msisdn[3:5]} {subscriber.msisdn[5:8]}-{subscriber.msisdn[8:10]}-{subscriber.msisdn[10:]}"
    response = dial(client, "*100#", msisdn=typed)
    assert response.status_code == 200
    reply = response.json()
    assert reply["end"] is True
    assert reply["text"].splitlines()[0] == "Баланс: 1\u00a0234,56\u00a0руб."  # later lines: allowances (billing)
    session = UssdSession.objects.get()
    assert (session.msisdn, session.menu, session.ended) == (subscriber.msisdn, "*100#", True)


@pytest.mark.django_db
def test_balance_of_a_number_the_operator_does_not_serve(client: Client) -> None:
    response = dial(client, "*100#", msisdn="375297777777")
    assert response.json() == {"text": "Этот номер не обслуживается оператором.", "end": True}


@pytest.mark.django_db
@pytest.mark.usefixtures("sum_menu")
def test_two_step_dialogue_keeps_its_state_across_requests_of_one_session(client: Client) -> None:
    msisdn = SubscriberFactory.create().msisdn
    assert dial(client, "*199#", msisdn=msisdn, session="s-1").json() == {"text": "Первое число?", "end": False}
    # Another session of another subscriber in between does not disturb the first one.
    other = SubscriberFactory.create().msisdn
    assert dial(client, "*199#", msisdn=other, session="s-2").json()["end"] is False
    assert dial(client, "40", msisdn=msisdn, session="s-1").json() == {"text": "Второе число?", "end": False}
    assert dial(client, "2", msisdn=msisdn, session="s-1").json() == {"text": "Сумма: 42", "end": True}
    session = UssdSession.objects.get(session_id="s-1")
    assert session.ended is True
    assert session.data == {"first": 40}
    # The ended session does not take answers any more: the next text is a new request.
    assert dial(client, "5", msisdn=msisdn, session="s-1").json()["text"].startswith("Неизвестный запрос")


@pytest.mark.django_db
@pytest.mark.usefixtures("sum_menu")
def test_a_session_answered_from_another_number_is_refused(client: Client) -> None:
    msisdn, intruder = SubscriberFactory.create().msisdn, SubscriberFactory.create().msisdn
    dial(client, "*199#", msisdn=msisdn, session="s-1")
    assert dial(client, "40", msisdn=intruder, session="s-1").json()["text"].startswith("Неизвестный запрос")
    assert UssdSession.objects.get(session_id="s-1").step == "first"


@pytest.mark.django_db
@pytest.mark.usefixtures("sum_menu")
def test_domain_error_in_a_menu_ends_the_dialogue_with_its_message(client: Client) -> None:
    msisdn = SubscriberFactory.create().msisdn
    assert dial(client, "*198#", msisdn=msisdn, session="s-3").json()["end"] is False
    reply = dial(client, "1", msisdn=msisdn, session="s-3").json()
    assert reply["end"] is True
    assert reply["text"] == "Operation is not available for your tariff plan."  # untranslated test message
    assert UssdSession.objects.get(session_id="s-3").ended is True


@pytest.mark.django_db
def test_a_session_id_reused_after_its_dialogue_ended_starts_a_new_dialogue(client, settings):
    """Gateways recycle session ids; an ended dialogue's id must not turn into a server error."""
    subscriber = subscriber_with_balance(500)
    headers = {"HTTP_X_USSD_TOKEN": settings.ISSA_USSD_TOKEN}
    body = {"session_id": "gw-recycled", "msisdn": subscriber.msisdn, "text": "*100#"}
    first = client.post("/ussd/gateway", body, content_type="application/json", **headers)
    second = client.post("/ussd/gateway", body, content_type="application/json", **headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["text"] == second.json()["text"]
    assert second.json()["end"] is True
