"""AUTH-7: recover the password by SMS code, USSD or PUK1; the new password twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from issa.core.errors import DomainError
from issa.identity.models import AuditEvent
from issa.identity.services import Method, password_recover, recovery_start, token_create
from issa.notifications.models import SmsMessage

from .conftest import PASSWORD, last_code, wrong


def test_auth_7_recover_by_sms_code(registered, web, now):
    _token, _raw = token_create(user=registered, name="phone", actor=web, now=now)
    recovery_start(msisdn=registered.login, method=Method.SMS, actor=web, now=now)
    password_recover(
        msisdn=registered.login,
        method=Method.SMS,
        secret=last_code(registered.login),
        password="Novy12345",
        password2="Novy12345",
        actor=web,
        now=now,
    )
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")
    assert not registered.api_tokens.filter(revoked_at__isnull=True).exists()
    assert AuditEvent.objects.get(action="auth.password_recovered").details == {"method": "sms"}


def test_auth_7_recover_by_puk1_when_enabled(registered, web, now):
    registered.subscriber.puk_registration = True
    registered.subscriber.save()
    password_recover(
        msisdn=registered.login,
        method=Method.PUK,
        secret="12345678",
        password="Novy12345",
        password2="Novy12345",
        actor=web,
        now=now,
    )
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")


def test_auth_7_refused_cases_change_nothing(registered, web, now):
    before = registered.password
    recovery_start(msisdn=registered.login, method=Method.SMS, actor=web, now=now)
    code = last_code(registered.login)
    cases = [
        (Method.SMS, code, "Novy12345", "Novy54321", "password_mismatch"),
        (Method.SMS, wrong(code), "Novy12345", "Novy12345", "otp_invalid"),
        (Method.PUK, "12345678", "Novy12345", "Novy12345", "puk_invalid"),  # PUK1 not enabled for this plan
    ]
    for method, secret, password, password2, expected in cases:
        with pytest.raises(DomainError) as refused:
            password_recover(
                msisdn=registered.login,
                method=method,
                secret=secret,
                password=password,
                password2=password2,
                actor=web,
                now=now,
            )
        assert refused.value.code == expected
    registered.refresh_from_db()
    assert registered.password == before
    assert not AuditEvent.objects.filter(action="auth.password_recovered").exists()


def test_auth_7_abuse_enumeration_unregistered_number_gets_same_answer_no_sms(subscriber, web, now):
    challenge = recovery_start(msisdn=subscriber.msisdn, method=Method.SMS, actor=web, now=now)
    assert challenge is not None
    assert not challenge.delivered
    assert not SmsMessage.objects.exists()


def test_auth_7_web_recover_by_sms_then_login(client, registered):
    response = client.post(reverse("portal:password_reset"), {"msisdn": registered.login, "method": "sms"})
    assert response.url == reverse("portal:password_reset_confirm")
    response = client.post(
        reverse("portal:password_reset_confirm"),
        {
            "action": "recover",
            "code": last_code(registered.login),
            "password": "Novy12345",
            "password2": "Novy12345",
        },
    )
    assert response.url == reverse("portal:login")
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": "Novy12345"})
    assert response.url == reverse("portal:home")


def test_auth_7_web_unknown_number_looks_the_same(client, db):
    response = client.post(reverse("portal:password_reset"), {"msisdn": "375297777777", "method": "sms"})
    assert response.url == reverse("portal:password_reset_confirm")
    assert not SmsMessage.objects.exists()


def test_auth_7_web_ussd_method_shows_instructions(client, registered):
    response = client.post(reverse("portal:password_reset"), {"msisdn": registered.login, "method": "ussd"})
    assert "*141*0#" in response.content.decode()
    registered.refresh_from_db()
    assert registered.check_password(PASSWORD)


def test_auth_7_api_recover(client, registered):
    assert (
        client.post(
            "/api/auth/recover/start", {"msisdn": registered.login}, content_type="application/json"
        ).status_code
        == 200
    )
    response = client.post(
        "/api/auth/recover",
        {
            "msisdn": registered.login,
            "code": last_code(registered.login),
            "password": "Novy12345",
            "password2": "Novy12345",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")
