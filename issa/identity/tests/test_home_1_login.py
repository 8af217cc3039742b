"""HOME-1: home and office users log in with the contract login through the same path as mobile
numbers (limits, audit, access, temporary passwords), never get an SMS, and get their login and
temporary password from staff in the back office (audited, changed at the first login)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from issa.catalog.models import TariffPlan
from issa.core.errors import DomainError
from issa.identity.models import AuditEvent, OtpChallenge, User
from issa.identity.services import login_check, password_issue_temporary
from issa.identity.services.accounts import home_login_issue, normalize_login
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import TariffPlanFactory

from .conftest import PASSWORD, make_subscriber

try:  # the back office's 2FA (issa.backoffice): log staff in as after a right TOTP code
    from issa.testing.staff import staff_login
except ImportError:  # pragma: no cover - before the back office's 2FA

    def staff_login(client: Client, user: Any) -> Any:
        client.force_login(user)


pytestmark = pytest.mark.django_db

_fixed = iter(range(2_000_001, 2_999_999))


def home_line(**kwargs: Any) -> Subscriber:
    plan = TariffPlanFactory(code="home-100", name="Домашний интернет 100", kind=TariffPlan.Kind.HOME)
    return make_subscriber(msisdn=f"37517{next(_fixed):07d}", plan=plan, device=Subscriber.Device.MODEM, **kwargs)


def home_user(line: Subscriber, login: str = "h1000001", **extra: Any) -> User:
    return User.objects.create_user(login, PASSWORD, kind=User.Kind.HOME, subscriber=line, **extra)


def snapshot(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    return (user.password, user.last_login, user.must_change_password, user.password_changed_at, user.is_active)


def test_home_1_home_user_logs_in_with_the_contract_login_in_any_case(web, now):
    line = home_line()
    user = home_user(line)
    for typed in ("h1000001", " H1000001 "):
        result = login_check(login=typed, password=PASSWORD, actor=web, now=now, kind="home")
        assert result.user == user
        assert not result.second_factor
    assert normalize_login("H1000001") == "h1000001"
    assert AuditEvent.objects.filter(action="auth.login", subscriber=line).count() == 2


def test_home_1_wrong_kind_and_unknown_login_get_the_generic_answer_and_change_nothing(web, now, settings):
    settings.ISSA_RULES = {"LOGIN_SECOND_FACTOR": True}
    line = home_line()
    user = home_user(line)
    mobile = make_subscriber()
    mobile_user = User.objects.create_user(mobile.msisdn, PASSWORD, subscriber=mobile)
    before = (snapshot(user), snapshot(mobile_user))
    errors = []
    for login, kind in (
        ("h1000001", "mobile"),  # a home login on the mobile form, right password
        (mobile.msisdn, "home"),  # a mobile number on the home form, right password
        ("h1000002", "home"),  # nobody
        ("h1000001", "home-typo"),  # a made-up kind is the mobile form
    ):
        with pytest.raises(DomainError) as caught:
            login_check(login=login, password=PASSWORD, actor=web, now=now, kind=kind)
        errors.append(caught.value)
    assert {e.code for e in errors} == {"login_invalid"}
    assert errors[1].text() == errors[2].text() == "Неверный логин или пароль."
    assert errors[0].text() == errors[3].text() == "Неверный номер телефона или пароль."
    assert (snapshot(user), snapshot(mobile_user)) == before
    assert not OtpChallenge.objects.exists()
    assert not SmsMessage.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    reasons = list(AuditEvent.objects.filter(action="auth.login_failed").values_list("details__reason", flat=True))
    assert sorted(reasons) == ["kind", "kind", "kind", "unknown"]


def test_home_1_second_factor_never_texts_a_home_login(web, now, settings):
    settings.ISSA_RULES = {"LOGIN_SECOND_FACTOR": True}
    user = home_user(home_line())
    result = login_check(login=user.login, password=PASSWORD, actor=web, now=now, kind="home")
    assert not result.second_factor
    assert not OtpChallenge.objects.exists()
    assert not SmsMessage.objects.exists()
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 1


def test_home_1_same_lockout_as_mobile(web, now):
    user = home_user(home_line())
    for i in range(5):
        with pytest.raises(DomainError):
            login_check(login=user.login, password=f"Bad{i}2345", actor=web, now=now, kind="home")
    with pytest.raises(DomainError) as locked:
        login_check(login=user.login, password=PASSWORD, actor=web, now=now + timedelta(seconds=30), kind="home")
    assert locked.value.code == "too_many_attempts"
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_home_1_portal_login_form_home_tab(now):
    line = home_line()
    home_user(line)
    client = Client()
    page = client.get(reverse("portal:login") + "?kind=home")
    html = page.content.decode()
    assert 'name="kind" value="home"' in html
    assert 'data-testid="home-help"' in html
    assert reverse("portal:register") not in html  # registration and recovery by SMS are mobile-only
    response = client.post(reverse("portal:login"), {"login": "h1000001", "password": PASSWORD, "kind": "mobile"})
    assert response.status_code == 401
    assert Session.objects.count() == 0
    response = client.post(reverse("portal:login"), {"login": "h1000001", "password": PASSWORD, "kind": "home"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert Session.objects.count() == 1


def test_home_1_operator_sms_temporary_password_refuses_a_home_line(web, now):
    line = home_line()
    with pytest.raises(DomainError) as refused:
        password_issue_temporary(subscriber=line, actor=web, now=now)
    assert refused.value.code == "home_line_no_sms"
    assert not User.objects.exists()
    assert not SmsMessage.objects.exists()
    assert not AuditEvent.objects.exists()


def test_home_1_staff_issue_home_login_audited_temporary_changed_at_first_login(now):
    line = home_line()
    other = home_line()
    home_user(other, login="h1000007")  # the next login is one above the highest
    staff = User.objects.create_superuser("staff-home", "Staff12345")
    admin = Client()
    staff_login(admin, staff)
    url = reverse("admin:subscribers_subscriber_changelist")
    response = admin.post(url, {"action": "issue_home_login", "_selected_action": [line.pk]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(subscriber=line)
    assert (user.login, user.kind, user.must_change_password) == ("h1000008", User.Kind.HOME, True)
    html = response.content.decode()
    password = html.split('data-testid="home-password">')[1].split("<")[0]
    assert user.check_password(password)
    event = AuditEvent.objects.get(action="auth.home_login_issued")
    assert (event.subscriber_id, event.actor_id, event.channel) == (line.pk, staff.pk, "admin")
    assert event.details == {"login": "h1000008", "created": True}
    assert password not in str(event.details)
    assert not SmsMessage.objects.exists()

    client = Client()
    response = client.post(reverse("portal:login"), {"login": "h1000008", "password": password, "kind": "home"})
    assert response.status_code == 302
    assert client.get(reverse("portal:home_contract"))["Location"] == reverse("portal:password_change")
    client.post(
        reverse("portal:password_change"),
        {"old_password": password, "password": "Minsk2026", "password2": "Minsk2026"},
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("portal:home_contract")).status_code == 200


def test_home_1_reissue_gives_a_new_temporary_password_to_the_same_login(web, now):
    line = home_line()
    first = home_login_issue(subscriber=line, actor=web, now=now)
    again = home_login_issue(subscriber=line, actor=web, now=now + timedelta(minutes=5))
    assert (first.created, again.created) == (True, False)
    assert first.user.pk == again.user.pk
    assert again.user.login == "h1000001"
    again.user.refresh_from_db()
    assert again.user.check_password(again.password)
    assert not again.user.check_password(first.password)
    assert AuditEvent.objects.filter(action="auth.home_login_issued").count() == 2
    assert "password" not in repr(again)


def test_home_1_issue_home_login_refuses_a_mobile_line(web, now):
    mobile = make_subscriber()
    with pytest.raises(DomainError) as refused:
        home_login_issue(subscriber=mobile, actor=web, now=now)
    assert refused.value.code == "not_home_line"
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_home_1_temporary_password_expired_says_ask_the_operator(web, now):
    line = home_line()
    issued = home_login_issue(subscriber=line, actor=web, now=now)
    with pytest.raises(DomainError) as expired:
        login_check(login=issued.user.login, password=issued.password, actor=web, now=now + timedelta(hours=73))
    assert expired.value.code == "temporary_password_expired"
    assert "оператор" in expired.value.text()
