"""AUTH-13: actions recorded with channel and IP; staff browse the audit read-only; subscribers
see their own recent logins. INFO-1: the home page. Tokens listed and revoked by their owner."""

from __future__ import annotations

from django.urls import reverse

from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.identity.services import login_check, token_create
from issa.testing.staff import staff_login

from .conftest import PASSWORD, make_subscriber, make_user


def _staff(client):
    staff = make_user(login="staff1", kind="staff", is_staff=True, is_superuser=True)
    staff_login(client, staff)
    return staff


def test_auth_13_login_events_carry_channel_and_ip(registered, now):
    login_check(login=registered.login, password=PASSWORD, actor=Actor(channel="api", ip="192.0.2.7"), now=now)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.channel == "api"
    assert event.ip == "192.0.2.7"
    assert event.actor == registered
    assert event.client == registered.subscriber.account.client


def test_auth_13_staff_browse_and_filter_audit_read_only(client, registered, now):
    login_check(login=registered.login, password=PASSWORD, actor=Actor(channel="web", ip="192.0.2.1"), now=now)
    _staff(client)
    url = reverse("admin:identity_auditevent_changelist")
    page = client.get(url, {"channel": "web", "action": "auth.login", "q": registered.login})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert client.get(url, {"channel": "api"}).context["cl"].result_count == 0
    event = AuditEvent.objects.get(action="auth.login")
    change = client.get(reverse("admin:identity_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert not change.context["has_change_permission"]
    assert client.get(reverse("admin:identity_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:identity_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_auth_13_subscriber_sees_own_recent_logins_only(client, registered, now):
    stranger = make_user(subscriber=make_subscriber(), password=PASSWORD)
    login_check(login=stranger.login, password=PASSWORD, actor=Actor(channel="web", ip="198.51.100.9"), now=now)
    client.post(reverse("portal:login"), {"login": registered.login, "password": "Wrong9876"})
    client.post(reverse("portal:login"), {"login": registered.login, "password": PASSWORD})
    page = client.get(reverse("portal:security"))
    events = list(page.context["events"])
    assert [e.action for e in events] == ["auth.login", "auth.login_failed"]
    assert "198.51.100.9" not in page.content.decode()


def test_auth_13_tokens_listed_and_revoked_by_owner_only(client, registered, now):
    token, _raw = token_create(user=registered, name="Мой телефон", actor=Actor(channel="api"), now=now)
    other = make_user(subscriber=make_subscriber(), password=PASSWORD)
    theirs, _ = token_create(user=other, name="other", actor=Actor(channel="api"), now=now)
    client.force_login(registered)
    page = client.get(reverse("portal:security"))
    assert "Мой телефон" in page.content.decode()
    assert client.post(reverse("portal:token_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    client.post(reverse("portal:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_auth_13_api_tokens_listed_and_other_users_token_is_not_found(client, registered, now):
    _mine, raw = token_create(user=registered, name="a", actor=Actor(channel="api"), now=now)
    other = make_user(subscriber=make_subscriber(), password=PASSWORD)
    theirs, _ = token_create(user=other, name="b", actor=Actor(channel="api"), now=now)
    headers = {"Authorization": f"Bearer {raw}"}
    assert [t["name"] for t in client.get("/api/auth/tokens", headers=headers).json()] == ["a"]
    assert client.delete(f"/api/auth/tokens/{theirs.pk}", headers=headers).status_code == 404
    assert client.get("/api/auth/logins", headers=headers).status_code == 200


def test_auth_13_token_stored_only_hashed(registered, now):
    token, raw = token_create(user=registered, name="a", actor=Actor(channel="api"), now=now)
    assert raw not in token.token_hash
    assert raw.startswith(token.prefix)
    assert "token" not in str(AuditEvent.objects.get(action="auth.token_created").details)


def test_info_1_home_shows_name_number_and_described_menu(client, registered):
    client.force_login(registered)
    page = client.get(reverse("portal:home"))
    html = page.content.decode()
    assert registered.subscriber.display_name in html
    assert "+375" in html
    items = page.context["menu_items"]
    assert any(item.key == "security" for item in items)
    for item in items:
        assert str(item.title) in html
        assert str(item.description) in html
    assert "Пароль и безопасность" in html


def test_info_1_home_requires_login(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_auth_4_back_office_enables_puk_registration_audited(client, subscriber, web, now):
    from issa.identity.services import Method, registration_complete

    _staff(client)
    response = client.post(
        reverse("admin:subscribers_subscriber_changelist"),
        {"action": "enable_puk_registration", "_selected_action": [subscriber.pk]},
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.puk_registration
    event = AuditEvent.objects.get(action="auth.puk_registration_enabled")
    assert event.channel == "admin"
    assert event.subscriber == subscriber
    registration_complete(
        msisdn=subscriber.msisdn,
        method=Method.PUK,
        secret="12345678",
        password="Minsk2026",
        password2="Minsk2026",
        actor=web,
        now=now,
    )


def test_info_1_home_shows_the_balance_with_a_top_up_link(client, registered, now, django_assert_max_num_queries):
    from issa.billing.models import LedgerEntry
    from issa.billing.services import ledger_post

    subscriber = registered.subscriber

    def book(amount: int, key: str) -> None:
        ledger_post(
            account=subscriber.account,
            subscriber=subscriber,
            amount=amount,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            reason="test",
            idempotency_key=key,
            now=now,
        )

    book(6040, "test:home:credit")
    client.force_login(registered)
    page = client.get(reverse("portal:home"))
    html = page.content.decode()
    assert "Баланс: <strong>60,40\xa0руб.</strong>" in html
    assert f'href="{reverse("portal:topup")}"' in html
    assert page.context["balance_low"] is False
    book(-6600, "test:home:debit")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:home"))
    html = page.content.decode()
    assert "<strong>-5,60\xa0руб.</strong>" in html
    assert "home-who__balance--low" in html
