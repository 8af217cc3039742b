"""AUTH-6 (login, optional SMS step), AUTH-8 (change, expiry, temporary password), lockout and
password spraying, session rotation and the end of other sessions at a password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.identity.services import (
    login_check,
    login_confirm,
    password_change,
    password_issue_temporary,
    token_create,
)
from issa.notifications.models import SmsMessage

from .conftest import PASSWORD, last_code, make_subscriber, make_user, wrong


def test_auth_6_login_with_number_in_any_form(registered, web, now):
    for typed in (registered.login, f"+{registered.login}", f"80{registered.login[3:]}"):
        result = login_check(login=typed, password=PASSWORD, actor=web, now=now)
        assert result.user == registered
        assert not result.second_factor
    assert AuditEvent.objects.filter(action="auth.login", subscriber=registered.subscriber).count() == 3


def test_auth_6_wrong_password_and_unknown_number_get_the_same_answer(registered, web, now):
    with pytest.raises(DomainError) as wrong_password:
        login_check(login=registered.login, password="Nope12345", actor=web, now=now)
    with pytest.raises(DomainError) as unknown:
        login_check(login="375297777777", password=PASSWORD, actor=web, now=now)
    assert wrong_password.value.code == unknown.value.code == "login_invalid"
    assert wrong_password.value.text() == unknown.value.text()
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


def test_auth_6_second_factor_sends_a_code_then_logs_in(registered, web, now, settings):
    settings.ISSA_RULES = {"LOGIN_SECOND_FACTOR": True}
    result = login_check(login=registered.login, password=PASSWORD, actor=web, now=now)
    assert result.second_factor
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    with pytest.raises(DomainError):
        login_confirm(user=registered, code=wrong(last_code(registered.login)), actor=web, now=now)
    login_confirm(user=registered, code=last_code(registered.login), actor=web, now=now)
    assert AuditEvent.objects.filter(action="auth.login").count() == 1


def test_auth_6_abuse_progressive_lockout_checked_before_hashing(registered, web, now, monkeypatch):
    for i in range(5):
        with pytest.raises(DomainError):
            login_check(login=registered.login, password=f"Bad{i}2345", actor=web, now=now)
    hashed: list[str] = []

    def spy(self, raw):
        hashed.append(raw)
        return True

    monkeypatch.setattr(type(registered), "check_password", spy)
    with pytest.raises(DomainError) as locked:
        login_check(login=registered.login, password=PASSWORD, actor=web, now=now + timedelta(seconds=30))
    assert locked.value.code == "too_many_attempts"
    assert hashed == []  # refused before any hashing
    monkeypatch.undo()
    # after the lock the right password works and clears the count
    login_check(login=registered.login, password=PASSWORD, actor=web, now=now + timedelta(seconds=61))


def test_auth_6_abuse_password_spraying_from_one_ip_is_stopped(db, web, now, settings):
    settings.ISSA_RULES = {"IP_FAILURES_PER_HOUR": 5}
    users = [make_user(subscriber=make_subscriber(), password="Right1234") for _ in range(6)]
    for user in users[:5]:
        with pytest.raises(DomainError) as failed:
            login_check(login=user.login, password="Summer2026", actor=web, now=now)
        assert failed.value.code == "login_invalid"
    with pytest.raises(DomainError) as blocked:
        login_check(login=users[5].login, password="Right1234", actor=web, now=now)
    assert blocked.value.code == "too_many_attempts"
    # another IP is not affected
    login_check(login=users[5].login, password="Right1234", actor=Actor(channel="web", ip="10.9.9.9"), now=now)


def test_auth_8_change_password_ends_tokens_and_other_sessions(client, registered, web, now):
    _token, raw = token_create(user=registered, name="phone", actor=web, now=now)
    other = type(client)()
    other.force_login(registered)
    client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    response = client.post(
        reverse("portal:password_change"), {"old_password": PASSWORD, "password": "Novy12345", "password2": "Novy12345"}
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")
    assert client.get(reverse("portal:home")).status_code == 200  # this session stays
    assert other.get(reverse("portal:home")).status_code == 302  # the other one ended
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_auth_8_change_refused_with_wrong_current_password_nothing_changed(registered, web, now):
    before = registered.password
    with pytest.raises(DomainError) as refused:
        password_change(
            user=registered, old_password="Wrong1234", password="Novy12345", password2="Novy12345", actor=web, now=now
        )
    assert refused.value.code == "old_password_invalid"
    registered.refresh_from_db()
    assert registered.password == before
    with pytest.raises(DomainError) as same:
        password_change(
            user=registered, old_password=PASSWORD, password=PASSWORD, password2=PASSWORD, actor=web, now=now
        )
    assert same.value.code == "password_same"


def test_auth_8_expired_password_must_be_changed_at_login(client, registered, settings):
    settings.ISSA_RULES = {"PASSWORD_EXPIRY_DAYS": 365}
    registered.password_changed_at = registered.password_changed_at - timedelta(days=3650)
    registered.save()
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).url == reverse("portal:password_change")
    client.post(
        reverse("portal:password_change"), {"old_password": PASSWORD, "password": "Novy12345", "password2": "Novy12345"}
    )
    assert client.get(reverse("portal:home")).status_code == 200


def test_auth_8_temporary_first_password_by_sms_must_be_changed(client, subscriber, web, now):
    user = password_issue_temporary(subscriber=subscriber, actor=Actor(channel="admin", label="staff"), now=now)
    assert user.must_change_password
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn, kind="password")
    assert sms.sensitive
    temporary = sms.body.split(": ", 1)[1].split(".", 1)[0]
    assert user.check_password(temporary)
    assert temporary not in sms.body_stored
    client.post(reverse("portal:login"), {"login": subscriber.msisdn, "password": temporary})
    assert client.get(reverse("portal:home")).url == reverse("portal:password_change")


def test_auth_8_temporary_password_expires(subscriber, web, now):
    password_issue_temporary(subscriber=subscriber, actor=Actor(channel="admin", label="staff"), now=now)
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn, kind="password")
    temporary = sms.body.split(": ", 1)[1].split(".", 1)[0]
    with pytest.raises(DomainError) as expired:
        login_check(login=subscriber.msisdn, password=temporary, actor=web, now=now + timedelta(hours=73))
    assert expired.value.code == "temporary_password_expired"


def test_auth_6_web_login_rotates_the_session_key(client, registered):
    client.get(reverse("portal:login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.session.session_key
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session.get_expiry_age() == 15 * 60


def test_auth_6_web_login_refused_shows_error_and_stays_anonymous(client, registered):
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": "Wrong1234"})
    assert response.status_code == 401
    assert "Неверный номер телефона или пароль." in response.content.decode()
    assert client.get(reverse("portal:home")).status_code == 302


def test_auth_6_web_second_factor(client, registered, settings):
    settings.ISSA_RULES = {"LOGIN_SECOND_FACTOR": True}
    response = client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    assert response.url == reverse("portal:login_code")
    assert client.get(reverse("portal:home")).status_code == 302  # not logged in yet
    page = client.get(reverse("portal:login_code"))
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(reverse("portal:login_code"), {"code": last_code(registered.login)})
    assert response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_auth_6_web_open_redirect_refused(client, registered):
    response = client.post(
        reverse("portal:login"), {"login": registered.login, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:home")


def test_auth_6_api_login_token_and_logout_abuse_token_reuse(client, registered):
    response = client.post(
        "/api/auth/login", {"login": registered.login, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).json()["login"] == registered.login
    assert client.post("/api/auth/logout", headers=headers).status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401  # reuse after logout
    assert AuditEvent.objects.filter(action="auth.token_revoked").count() == 1


def test_auth_6_api_refused_login_gives_no_token(client, registered):
    response = client.post(
        "/api/auth/login", {"login": registered.login, "password": "Wrong1234"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "login_invalid"
    assert not registered.api_tokens.exists()


def test_auth_6_api_second_factor(client, registered, settings):
    settings.ISSA_RULES = {"LOGIN_SECOND_FACTOR": True}
    body = {"login": registered.login, "password": PASSWORD}
    first = client.post("/api/auth/login", body, content_type="application/json")
    assert first.json()["code_required"] is True
    assert first.json()["token"] is None
    second = client.post(
        "/api/auth/login", {**body, "code": last_code(registered.login)}, content_type="application/json"
    )
    assert second.json()["token"]


def test_auth_8_api_login_with_expired_password_requires_new_one(client, registered, settings):
    settings.ISSA_RULES = {"PASSWORD_EXPIRY_DAYS": 365}
    registered.password_changed_at = registered.password_changed_at - timedelta(days=3650)
    registered.save()
    body = {"login": registered.login, "password": PASSWORD}
    refused = client.post("/api/auth/login", body, content_type="application/json")
    assert refused.status_code == 403
    assert not registered.api_tokens.exists()
    done = client.post("/api/auth/login", {**body, "new_password": "Novy12345"}, content_type="application/json")
    assert done.status_code == 200
    registered.refresh_from_db()
    assert registered.check_password("Novy12345")


def test_auth_8_api_change_password_ends_every_token(client, registered, web, now):
    _other, other_raw = token_create(user=registered, name="tablet", actor=web, now=now)
    login = client.post(
        "/api/auth/login", {"login": registered.login, "password": PASSWORD}, content_type="application/json"
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    refused = client.post(
        "/api/auth/password",
        {"old_password": "Wrong1234", "password": "Novy12345", "password2": "Novy12345"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 400
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # nothing changed
    done = client.post(
        "/api/auth/password",
        {"old_password": PASSWORD, "password": "Novy12345", "password2": "Novy12345"},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {other_raw}"}).status_code == 401
