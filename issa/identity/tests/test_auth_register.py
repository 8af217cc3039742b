"""AUTH-1..5: registration by SMS code, USSD *141*0#, PUK1; "already registered"; enumeration."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from issa.catalog.models import TariffPlan
from issa.core.errors import DomainError
from issa.identity.models import AuditEvent, OtpChallenge, User
from issa.identity.services import Method, registration_complete, registration_start
from issa.notifications.models import SmsMessage
from issa.testing.factories import TariffPlanFactory

from .conftest import PASSWORD, last_code, make_subscriber, wrong

AUTH_5_RU = (
    "Пользователь с таким номером телефона уже зарегистрирован. Если вы забыли пароль, нажмите "
    '"Войти в аккаунт" и перейдите по ссылке "Забыли пароль?"'
)


def _register_by_sms(subscriber, web, now, **kwargs):
    registration_start(msisdn=subscriber.msisdn, method=Method.SMS, actor=web, now=now)
    return registration_complete(
        msisdn=subscriber.msisdn, method=Method.SMS, secret=last_code(subscriber.msisdn), actor=web, now=now, **kwargs
    )


def test_auth_1_register_by_sms_code_with_chosen_password(subscriber, web, now):
    done = _register_by_sms(subscriber, web, now, password="Minsk2026", password2="Minsk2026")
    user = User.objects.get(login=subscriber.msisdn)
    assert done.user == user
    assert done.generated_password is None
    assert user.subscriber == subscriber
    assert user.check_password("Minsk2026")
    assert user.password_changed_at == now
    assert not user.must_change_password
    event = AuditEvent.objects.get(action="auth.register")
    assert event.subscriber == subscriber
    assert event.channel == "web"
    assert event.ip == "10.0.0.1"
    assert "Minsk2026" not in json.dumps(event.details)


def test_auth_1_register_with_a_generated_password(subscriber, web, now):
    done = _register_by_sms(subscriber, web, now, generate=True)
    assert done.generated_password
    assert 5 <= len(done.generated_password) <= 10
    assert done.generated_password.isalnum()
    assert User.objects.get(login=subscriber.msisdn).check_password(done.generated_password)


def test_auth_1_bad_password_refused_and_code_not_spent(subscriber, web, now):
    registration_start(msisdn=subscriber.msisdn, method=Method.SMS, actor=web, now=now)
    code = last_code(subscriber.msisdn)
    for password, password2 in (
        ("abc", "abc"),
        ("abc!def", "abc!def"),
        ("Minsk2026", "Minsk2027"),
        ("password", "password"),
    ):
        with pytest.raises(DomainError) as refused:
            registration_complete(
                msisdn=subscriber.msisdn,
                method=Method.SMS,
                secret=code,
                password=password,
                password2=password2,
                actor=web,
                now=now,
            )
        assert refused.value.code in ("password_invalid", "password_mismatch")
    assert not User.objects.exists()
    assert OtpChallenge.objects.get().state == OtpChallenge.State.OPEN
    registration_complete(
        msisdn=subscriber.msisdn,
        method=Method.SMS,
        secret=code,
        password="Minsk2026",
        password2="Minsk2026",
        actor=web,
        now=now,
    )


def test_auth_1_wrong_code_refused_nothing_created(subscriber, web, now):
    registration_start(msisdn=subscriber.msisdn, method=Method.SMS, actor=web, now=now)
    with pytest.raises(DomainError) as refused:
        registration_complete(
            msisdn=subscriber.msisdn,
            method=Method.SMS,
            secret=wrong(last_code(subscriber.msisdn)),
            password="Minsk2026",
            password2="Minsk2026",
            actor=web,
            now=now,
        )
    assert refused.value.code == "otp_invalid"
    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.register").exists()


def test_auth_5_registered_number_gets_the_published_message(registered, web, now):
    with pytest.raises(DomainError) as refused:
        registration_start(msisdn=registered.login, method=Method.SMS, actor=web, now=now)
    assert refused.value.code == "already_registered"
    assert refused.value.text() == AUTH_5_RU
    assert not SmsMessage.objects.exists()
    assert not OtpChallenge.objects.exists()
    with pytest.raises(DomainError) as again:
        registration_complete(
            msisdn=registered.login,
            method=Method.PUK,
            secret="12345678",
            password="Minsk2026",
            password2="Minsk2026",
            actor=web,
            now=now,
        )
    assert again.value.code == "already_registered"
    assert registered.check_password(PASSWORD)


def test_auth_2_abuse_enumeration_unknown_number_looks_served_but_gets_no_sms(db, web, now):
    unknown = "375297777777"
    challenge = registration_start(msisdn=unknown, method=Method.SMS, actor=web, now=now)
    assert challenge is not None
    assert not challenge.delivered
    assert not SmsMessage.objects.exists()
    # the resend timer behaves as for a served number
    with pytest.raises(DomainError) as refused:
        registration_start(msisdn=unknown, method=Method.SMS, actor=web, now=now + timedelta(seconds=10))
    assert refused.value.code == "otp_resend_too_soon"
    # and every guess gets the same answer as a wrong code
    with pytest.raises(DomainError) as guess:
        registration_complete(
            msisdn=unknown,
            method=Method.SMS,
            secret="000000",
            password="Minsk2026",
            password2="Minsk2026",
            actor=web,
            now=now,
        )
    assert guess.value.code == "otp_invalid"


@pytest.mark.parametrize(
    ("plan_kwargs", "puk_registration"),
    [
        ({"name": "Видеонаблюдение", "puk_identification": True}, False),
        ({"name": "Спутниковый мониторинг", "puk_identification": True}, False),
        ({"name": "Интернет", "kind": TariffPlan.Kind.INTERNET}, False),
        ({"name": "Обычный"}, True),
    ],
)
def test_auth_4_register_by_puk1_for_the_named_plans_and_the_flag(db, web, now, plan_kwargs, puk_registration):
    subscriber = make_subscriber(plan=TariffPlanFactory(**plan_kwargs), puk_registration=puk_registration)
    assert registration_start(msisdn=subscriber.msisdn, method=Method.PUK, actor=web, now=now) is None
    registration_complete(
        msisdn=subscriber.msisdn,
        method=Method.PUK,
        secret="12345678",
        password="Minsk2026",
        password2="Minsk2026",
        actor=web,
        now=now,
    )
    assert User.objects.get(login=subscriber.msisdn).check_password("Minsk2026")


def test_auth_4_puk1_refused_for_an_ordinary_plan_and_a_wrong_puk(subscriber, web, now):
    with pytest.raises(DomainError) as ordinary:
        registration_complete(
            msisdn=subscriber.msisdn,
            method=Method.PUK,
            secret="12345678",
            password="Minsk2026",
            password2="Minsk2026",
            actor=web,
            now=now,
        )
    subscriber.puk_registration = True
    subscriber.save()
    with pytest.raises(DomainError) as wrong_puk:
        registration_complete(
            msisdn=subscriber.msisdn,
            method=Method.PUK,
            secret="11111111",
            password="Minsk2026",
            password2="Minsk2026",
            actor=web,
            now=now,
        )
    assert ordinary.value.code == wrong_puk.value.code == "puk_invalid"
    assert ordinary.value.text() == wrong_puk.value.text()  # no hint which one it was
    assert not User.objects.exists()
    assert AuditEvent.objects.filter(action="auth.puk_failed", outcome="denied").count() == 2


# --- the web channel ---------------------------------------------------------------------------


def test_auth_1_web_register_lands_logged_in_on_home(client, subscriber):
    response = client.post(reverse("portal:register"), {"msisdn": f"+{subscriber.msisdn}", "method": "sms"})
    assert response.status_code == 302
    assert response.url == reverse("portal:register_confirm")
    page = client.get(reverse("portal:register_confirm"))
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(
        reverse("portal:register_confirm"),
        {
            "action": "register",
            "code": last_code(subscriber.msisdn),
            "password": "Minsk2026",
            "password2": "Minsk2026",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert subscriber.display_name in home.content.decode()


def test_auth_1_web_generated_password_shown_once_on_home(client, subscriber):
    client.post(reverse("portal:register"), {"msisdn": subscriber.msisdn, "method": "sms"})
    response = client.post(
        reverse("portal:register_confirm"),
        {
            "action": "register",
            "code": last_code(subscriber.msisdn),
            "generate": "on",
        },
    )
    assert response.status_code == 200
    shown = response.context["generated_password"]
    assert User.objects.get(login=subscriber.msisdn).check_password(shown)
    assert shown not in client.get(reverse("portal:home")).content.decode()
    assert all(shown not in str(value) for value in client.session.values())


def test_auth_5_web_shows_the_published_message(client, registered):
    response = client.post(reverse("portal:register"), {"msisdn": registered.login, "method": "sms"})
    assert response.status_code == 409
    assert AUTH_5_RU.replace('"', "&quot;") in response.content.decode()


def test_auth_3_web_ussd_method_shows_instructions(client, subscriber):
    response = client.post(reverse("portal:register"), {"msisdn": subscriber.msisdn, "method": "ussd"})
    assert response.status_code == 200
    assert "*141*0#" in response.content.decode()
    assert not SmsMessage.objects.exists()


# --- USSD *141*0# (AUTH-3) ---------------------------------------------------------------------


def _ussd(client, session_id, msisdn, text):
    response = client.post(
        "/ussd/gateway",
        data=json.dumps({"session_id": session_id, "msisdn": msisdn, "text": text}),
        content_type="application/json",
        headers={"X-Ussd-Token": settings.ISSA_USSD_TOKEN},
    )
    assert response.status_code == 200
    return response.json()


def test_auth_3_ussd_registers_and_confirms_by_sms(client, subscriber):
    first = _ussd(client, "s1", subscriber.msisdn, "*141*0#")
    assert not first["end"]
    assert "5" in first["text"]
    assert "10" in first["text"]
    done = _ussd(client, "s1", subscriber.msisdn, "Minsk2026")
    assert done["end"]
    user = User.objects.get(login=subscriber.msisdn)
    assert user.check_password("Minsk2026")
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn)
    assert "ИССА" in sms.body
    assert "Minsk2026" not in sms.body
    assert AuditEvent.objects.get(action="auth.register").channel == "ussd"


def test_auth_3_ussd_recovers_a_forgotten_password(client, registered):
    _ussd(client, "s2", registered.login, "*141*0#")
    _ussd(client, "s2", registered.login, "Novy12345")
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")
    assert AuditEvent.objects.filter(action="auth.password_recovered", channel="ussd").exists()


def test_auth_3_ussd_bad_password_asked_again_then_ends_nothing_changed(client, registered):
    _ussd(client, "s3", registered.login, "*141*0#")
    for bad in ("abc", "with space!", "12345678901"):
        reply = _ussd(client, "s3", registered.login, bad)
    assert reply["end"]
    registered.refresh_from_db()
    assert registered.check_password(PASSWORD)
    assert not SmsMessage.objects.exists()


def test_auth_3_ussd_unknown_number_refused(client, db):
    reply = _ussd(client, "s4", "375297777777", "*141*0#")
    assert reply["end"]
    assert not User.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_auth_1_api_register_returns_a_token(client, subscriber):
    response = client.post(
        "/api/auth/register/start", {"msisdn": subscriber.msisdn, "method": "sms"}, content_type="application/json"
    )
    assert response.status_code == 200
    response = client.post(
        "/api/auth/register",
        {"msisdn": subscriber.msisdn, "code": last_code(subscriber.msisdn), "password": "Minsk2026"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["msisdn"] == subscriber.msisdn


def test_auth_5_api_already_registered(client, registered):
    response = client.post("/api/auth/register/start", {"msisdn": registered.login}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"


def test_auth_2_web_resend_refused_within_three_minutes_then_allowed(client, subscriber):
    import time_machine

    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as traveller:
        client.post(reverse("portal:register"), {"msisdn": subscriber.msisdn, "method": "sms"})
        page = client.get(reverse("portal:register_confirm"))
        assert page.context["resend_wait"] == 180
        refused = client.post(reverse("portal:register_confirm"), {"action": "resend"})
        assert refused.status_code == 429
        assert "Повторно запросить код можно через" in refused.content.decode()
        assert SmsMessage.objects.count() == 1
        traveller.shift(timedelta(minutes=3))
        assert client.get(reverse("portal:register_confirm")).context["resend_wait"] == 0
        sent = client.post(reverse("portal:register_confirm"), {"action": "resend"})
        assert sent.status_code == 302
        assert SmsMessage.objects.count() == 2


def test_auth_2_api_resend_refused_within_three_minutes(client, subscriber):
    body = {"msisdn": subscriber.msisdn, "method": "sms"}
    assert client.post("/api/auth/register/start", body, content_type="application/json").status_code == 200
    again = client.post("/api/auth/register/start", body, content_type="application/json")
    assert again.status_code == 429
    assert again.json()["code"] == "otp_resend_too_soon"
    assert SmsMessage.objects.count() == 1


def test_auth_4_web_register_by_puk1(client, db):
    subscriber = make_subscriber(puk_registration=True)
    response = client.post(reverse("portal:register"), {"msisdn": subscriber.msisdn, "method": "puk"})
    assert response.url == reverse("portal:register_confirm")
    page = client.get(reverse("portal:register_confirm")).content.decode()
    assert 'name="puk"' in page
    assert 'name="code"' not in page
    response = client.post(
        reverse("portal:register_confirm"),
        {"action": "register", "puk": "12345678", "password": "Minsk2026", "password2": "Minsk2026"},
    )
    assert response.url == reverse("portal:home")
    assert not SmsMessage.objects.filter(kind="otp").exists()
