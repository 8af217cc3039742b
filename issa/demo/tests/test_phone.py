"""The virtual phone: number picker, live SMS inbox, USSD dialling through the real gateway."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issa.catalog.models import TariffPlan
from issa.demo import views
from issa.notifications.models import SmsMessage
from issa.notifications.services import sms_send
from issa.testing.factories import SubscriberFactory, TariffPlanFactory, subscriber_with_balance
from issa.ussd.models import UssdSession
from issa.ussd.registry import MENUS, Menu, Reply, UssdContext

pytestmark = pytest.mark.django_db


class EchoMenu(Menu):
    """A two-step dialogue for the tests: asks for a word, answers with it."""

    code = "*999#"

    def start(self, ctx: UssdContext) -> Reply:
        return Reply(text="Введите слово", end=False, next_step="word")

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        return Reply(text=f"Вы ввели: {text}", end=True)


def gateway_client(live_server: Any) -> Client:
    """A test client whose requests carry the live server's host, so that the phone's own HTTP
    call to ``build_absolute_uri(reverse("ussd:gateway"))`` reaches the real endpoint."""
    return Client(HTTP_HOST=urlsplit(live_server.url).netloc)


# --- production switch ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "phone:phone"), ("get", "phone:inbox"), ("post", "phone:dial"), ("post", "phone:reply")],
)
def test_phone_is_404_when_the_virtual_phone_is_switched_off(
    client: Client, settings: Any, method: str, name: str
) -> None:
    subscriber = subscriber_with_balance(500)
    url = reverse(name)  # routed (the URLconf was loaded with the phone on) …
    settings.ISSA_VIRTUAL_PHONE = False  # … but the views themselves refuse once it is off
    response = getattr(client, method)(url, {"msisdn": subscriber.msisdn, "text": "*100#"})
    assert response.status_code == 404
    assert UssdSession.objects.count() == 0
    assert views.SESSION_KEY not in client.session


def test_production_mode_does_not_mount_the_phone() -> None:
    """ISSA_ENV=production turns ISSA_VIRTUAL_PHONE off, so /phone/ is not even routed."""
    env = {
        **os.environ,
        "ISSA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "issa.example",
        "DJANGO_SETTINGS_MODULE": "issa.config.settings",
    }
    env.pop("ISSA_VIRTUAL_PHONE", None)
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/phone/'); routed = True\nexcept Resolver404:\n    routed = False\n"
        "print(settings.ISSA_VIRTUAL_PHONE, routed)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["False", "False"]


def test_footer_links_the_phone_only_when_it_is_on(client: Client, settings: Any) -> None:
    url = reverse("phone:phone").encode()
    assert url in client.get("/").content
    settings.ISSA_VIRTUAL_PHONE = False
    assert url not in client.get("/").content


# --- picking a number ----------------------------------------------------------------------


def test_picker_offers_subscribers_ordered_by_number(client: Client) -> None:
    SubscriberFactory(msisdn="375297000002")
    SubscriberFactory(msisdn="375297000001")
    response = client.get(reverse("phone:phone"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('value="375297000001"') < html.index('value="375297000002"')
    assert "+375 29 700-00-01" in html
    assert "Виртуальный телефон" in html  # Russian by default


def test_picker_leaves_out_home_and_office_lines(client: Client) -> None:
    SubscriberFactory(msisdn="375172000001", plan=TariffPlanFactory(kind=TariffPlan.Kind.HOME))
    SubscriberFactory(msisdn="375297000001")
    response = client.get(reverse("phone:phone"))
    assert [choice["msisdn"] for choice in response.context["picker"]] == ["375297000001"]


def test_picker_is_limited_to_the_first_numbers(client: Client) -> None:
    for n in range(views.PICKER_SIZE + 2):
        SubscriberFactory(msisdn=f"3752970{n:05d}")
    response = client.get(reverse("phone:phone"))
    assert len(response.context["picker"]) == views.PICKER_SIZE
    assert response.context["picker"][0]["msisdn"] == "375297000000"


@pytest.mark.parametrize("typed", ["+375 29 700-00-09", "80297000009", "297000009", "375297000009"])
def test_any_number_format_is_accepted_and_kept_in_the_url(client: Client, typed: str) -> None:
    SubscriberFactory(msisdn="375297000009")
    response = client.get(reverse("phone:phone"), {"msisdn": typed})
    assert response.status_code == 200
    assert response.context["msisdn"] == "375297000009"
    html = response.content.decode()
    assert 'name="msisdn" value="375297000009"' in html  # the dialer acts as this number
    assert "?msisdn=375297000009" in html  # the inbox polls for it


def test_a_bad_number_gets_a_clear_translated_error(client: Client) -> None:
    response = client.get(reverse("phone:phone"), {"msisdn": "12345"})
    assert response.status_code == 400
    assert response.context["msisdn"] is None
    assert "Введите номер мобильного телефона Беларуси" in response.content.decode()


def test_a_number_outside_the_demo_operator_is_shown_with_a_warning(client: Client) -> None:
    response = client.get(reverse("phone:phone"), {"msisdn": "+375 33 600-00-01"})
    assert response.status_code == 200
    assert response.context["subscriber"] is None
    assert "не обслуживается демо-оператором" in response.content.decode()


# --- the SMS inbox -------------------------------------------------------------------------


def test_inbox_shows_newest_first_and_sensitive_messages_in_clear(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    subscriber = subscriber_with_balance(0)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(msisdn=subscriber.msisdn, text="Первое сообщение", kind="notice", now=now)
        sms_send(msisdn=subscriber.msisdn, text="Код: 4711", kind="otp", now=now, sensitive=True)
        sms_send(msisdn="375297777777", text="Чужое сообщение", kind="notice", now=now)
    stored = SmsMessage.objects.get(kind="otp")
    assert "4711" not in stored.body_stored  # encrypted at rest …
    response = client.get(reverse("phone:inbox"), {"msisdn": subscriber.msisdn})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Код: 4711" in html  # … but this is the subscriber's own handset
    assert html.index("Код: 4711") < html.index("Первое сообщение")
    assert "Чужое сообщение" not in html
    assert 'hx-trigger="every 2s"' in html


def test_inbox_poll_answers_204_until_something_changes(client: Client) -> None:
    subscriber = subscriber_with_balance(0)
    first = client.get(reverse("phone:inbox"), {"msisdn": subscriber.msisdn})
    version = first.context["inbox_version"]
    again = client.get(reverse("phone:inbox"), {"msisdn": subscriber.msisdn, "v": version})
    assert again.status_code == 204
    sms_send(msisdn=subscriber.msisdn, text="Новое", kind="notice", now=timezone.now())
    changed = client.get(reverse("phone:inbox"), {"msisdn": subscriber.msisdn, "v": version})
    assert changed.status_code == 200
    assert "Новое" in changed.content.decode()


def test_auth_9_inbox_polling_does_not_prolong_the_session(client: Client) -> None:
    """A poll every 2 s is not the user's activity: the session row is left as it was."""
    subscriber = subscriber_with_balance(0)
    session = client.session
    session["marker"] = "signed-in elsewhere"
    session.save()
    before = Session.objects.get(session_key=session.session_key)
    response = client.get(reverse("phone:inbox"), {"msisdn": subscriber.msisdn})
    assert response.status_code == 200
    after = Session.objects.get(session_key=session.session_key)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)


def test_inbox_refuses_a_bad_number(client: Client) -> None:
    response = client.get(reverse("phone:inbox"), {"msisdn": "not a number"})
    assert response.status_code == 400


# --- dialling through the real gateway -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_dial_balance_through_the_real_gateway(live_server: Any) -> None:
    subscriber = subscriber_with_balance(1234)
    client = gateway_client(live_server)
    response = client.post(
        reverse("phone:dial"), {"msisdn": subscriber.msisdn, "text": "*100#"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Баланс: 12,34\u00a0руб." in html
    assert "Сеанс завершён" in html
    assert 'name="text"' not in html  # no answer field: the dialogue ended
    session = UssdSession.objects.get()
    assert session.msisdn == subscriber.msisdn
    assert session.session_id.startswith("vp-")
    assert session.ended is True
    assert views.SESSION_KEY not in client.session


@pytest.mark.django_db(transaction=True)
def test_dial_then_reply_continues_the_same_gateway_session(live_server: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(MENUS, "*999#", EchoMenu)
    subscriber = subscriber_with_balance(0)
    client = gateway_client(live_server)
    first = client.post(reverse("phone:dial"), {"msisdn": subscriber.msisdn, "text": "*999#"}, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    assert "Введите слово" in html
    assert "Ответить" in html
    assert reverse("phone:reply") in html
    dialogue = client.session[views.SESSION_KEY]
    assert dialogue["msisdn"] == subscriber.msisdn

    second = client.post(
        reverse("phone:reply"), {"msisdn": subscriber.msisdn, "text": "привет"}, HTTP_HX_REQUEST="true"
    )
    assert "Вы ввели: привет" in second.content.decode()
    session = UssdSession.objects.get()  # one gateway session for both steps
    assert session.session_id == dialogue["session_id"]
    assert session.ended is True
    assert views.SESSION_KEY not in client.session


@pytest.mark.django_db(transaction=True)
def test_dial_without_javascript_renders_the_whole_page(live_server: Any) -> None:
    subscriber = subscriber_with_balance(50)
    client = gateway_client(live_server)
    response = client.post(reverse("phone:dial"), {"msisdn": subscriber.msisdn, "text": "*100#"})
    html = response.content.decode()
    assert "<html" in html
    assert "Баланс: 0,50\u00a0руб." in html


def test_dial_refuses_what_is_not_a_ussd_request(client: Client) -> None:
    subscriber = subscriber_with_balance(0)
    response = client.post(reverse("phone:dial"), {"msisdn": subscriber.msisdn, "text": "80291234567"})
    assert "Наберите USSD-запрос вида *100#" in response.content.decode()
    assert UssdSession.objects.count() == 0
    assert views.SESSION_KEY not in client.session


def test_dial_with_a_bad_number_shows_the_error_partial(client: Client) -> None:
    response = client.post(reverse("phone:dial"), {"msisdn": "abc", "text": "*100#"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<html" not in html
    assert UssdSession.objects.count() == 0


def test_reply_without_an_open_dialogue_changes_nothing(client: Client) -> None:
    subscriber = subscriber_with_balance(0)
    response = client.post(reverse("phone:reply"), {"msisdn": subscriber.msisdn, "text": "12345"})
    assert "нет открытого USSD-сеанса" in response.content.decode()
    assert UssdSession.objects.count() == 0


def test_an_unreachable_gateway_is_reported_on_the_screen() -> None:
    subscriber = subscriber_with_balance(0)
    client = Client(HTTP_HOST="127.0.0.1:9")  # nothing listens on the discard port
    response = client.post(
        reverse("phone:dial"), {"msisdn": subscriber.msisdn, "text": "*100#"}, HTTP_HX_REQUEST="true"
    )
    assert "USSD-шлюз не ответил" in response.content.decode()
    assert views.SESSION_KEY not in client.session
