"""AUTH-14: a partner ("Мелофон") signs a subscriber in with the ISSA login through OpenID Connect,
after consent, and never sees the password."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.sso.models import Consent, PartnerSubject
from issa.testing.factories import UserFactory, subscriber_with_balance

from .conftest import (
    PARTNER_ID,
    REDIRECT_URI,
    approve,
    basic_auth,
    consent_form_data,
    exchange,
    new_flow,
    redirect_params,
    refresh,
    signed_in,
    userinfo,
    verified_claims,
)

pytestmark = pytest.mark.django_db


def issued_rows() -> tuple[int, int, int, int]:
    return (Grant.objects.count(), AccessToken.objects.count(), RefreshToken.objects.count(), IDToken.objects.count())


def test_auth_14_discovery_offers_only_code_flow_with_pkce_and_rs256(client: Client) -> None:
    meta = client.get("/o/.well-known/openid-configuration").json()

    assert meta["issuer"] == "http://testserver/o"
    assert meta["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert meta["token_endpoint"] == "http://testserver/o/token/"
    assert meta["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert meta["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in meta["id_token_signing_alg_values_supported"]
    assert set(meta["scopes_supported"]) == {"openid", "profile", "phone"}
    assert set(meta["claims_supported"]) == {"sub", "name", "phone_number", "phone_number_verified"}
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]  # the public half only


def test_auth_14_management_pages_of_the_library_are_not_exposed(client: Client, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/o/applications/register/").status_code == 404
    assert client.get("/o/authorized_tokens/").status_code == 404


def test_auth_14_full_code_flow_with_pkce_consent_token_id_token_userinfo(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    client.force_login(subscriber_user)
    flow = new_flow("openid profile phone")

    page = client.get(flow.authorize_url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "«Мелофон» просит" in html
    assert "Разрешить" in html
    assert "Отказать" in html
    assert "номер телефона" in html
    assert 'type="password"' not in html
    assert issued_rows() == (0, 0, 0, 0)

    data = consent_form_data(page)
    data["allow"] = "1"
    params = redirect_params(client.post("/o/authorize/", data))

    assert params["state"] == flow.state
    assert params["iss"] == "http://testserver/o"  # RFC 9207
    assert set(params) == {"code", "state", "iss"}

    tokens = exchange(Client(), params["code"], flow.verifier)
    assert tokens.status_code == 200, tokens.content
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    assert set(body) >= {"access_token", "refresh_token", "id_token", "expires_in", "scope"}
    assert set(body["scope"].split()) == {"openid", "profile", "phone"}

    claims = verified_claims(client, body["id_token"], flow.nonce)
    sub = str(PartnerSubject.objects.get(user=subscriber_user).sub)
    msisdn = subscriber_user.subscriber.msisdn
    assert claims["sub"] == sub
    assert msisdn not in claims["sub"]
    assert claims["aud"] == PARTNER_ID
    assert claims["phone_number"] == "+" + msisdn
    assert claims["phone_number_verified"] is True
    assert claims["name"] == "Иванов Иван Иванович"

    info = userinfo(Client(), body["access_token"])
    assert info.status_code == 200
    assert info.json() == {
        "sub": sub,
        "name": "Иванов Иван Иванович",
        "phone_number": "+" + msisdn,
        "phone_number_verified": True,
    }

    consent = Consent.objects.get(user=subscriber_user, application=partner)
    assert consent.scope_list == ["openid", "phone", "profile"]
    event = AuditEvent.objects.get(action="sso.consent_granted")
    assert event.subscriber_id == subscriber_user.subscriber_id
    assert event.channel == "web"
    assert event.details["client_id"] == PARTNER_ID
    assert event.details["scopes"] == ["openid", "phone", "profile"]


def test_auth_14_the_code_is_single_use(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()
    params = approve(client, flow)
    assert exchange(Client(), params["code"], flow.verifier).status_code == 200
    before = issued_rows()

    again = exchange(Client(), params["code"], flow.verifier)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert issued_rows() == before


def test_auth_14_claims_follow_the_scopes(client: Client, partner: Any, subscriber_user: Any) -> None:
    flow, body = signed_in(client, subscriber_user, new_flow("openid"))

    claims = verified_claims(client, body["id_token"], flow.nonce)
    info = userinfo(Client(), body["access_token"]).json()

    assert "phone_number" not in claims
    assert "phone_number_verified" not in claims
    assert "name" not in claims
    assert set(info) == {"sub"}


def test_auth_14_name_only_with_profile_and_number_only_with_phone(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    _, body = signed_in(client, subscriber_user, new_flow("openid profile"))
    assert set(userinfo(Client(), body["access_token"]).json()) == {"sub", "name"}

    client2 = Client()
    _, body = signed_in(client2, subscriber_user, new_flow("openid phone"))
    assert set(userinfo(Client(), body["access_token"]).json()) == {"sub", "phone_number", "phone_number_verified"}


def test_auth_14_sub_is_stable_and_opaque(client: Client, partner: Any, subscriber_user: Any) -> None:
    flow1, body1 = signed_in(client, subscriber_user)
    flow2, body2 = signed_in(Client(), subscriber_user)

    sub1 = verified_claims(client, body1["id_token"], flow1.nonce)["sub"]
    sub2 = verified_claims(client, body2["id_token"], flow2.nonce)["sub"]

    assert sub1 == sub2
    assert sub1 != str(subscriber_user.pk)
    assert subscriber_user.subscriber.msisdn not in sub1


def test_auth_14_remembered_consent_signs_in_without_asking(client: Client, partner: Any, subscriber_user: Any) -> None:
    signed_in(client, subscriber_user, new_flow("openid phone"))
    flow = new_flow("openid phone")

    response = client.get(flow.authorize_url)

    params = redirect_params(response)
    assert params["state"] == flow.state
    assert exchange(Client(), params["code"], flow.verifier).status_code == 200
    assert AuditEvent.objects.filter(action="sso.signin", subscriber=subscriber_user.subscriber).count() == 1
    assert AuditEvent.objects.filter(action="sso.consent_granted").count() == 1


def test_auth_14_wider_scopes_ask_again(client: Client, partner: Any, subscriber_user: Any) -> None:
    signed_in(client, subscriber_user, new_flow("openid"))

    page = client.get(new_flow("openid phone").authorize_url)

    assert page.status_code == 200
    assert "Разрешить" in page.content.decode()


def test_auth_14_denial_gives_the_partner_an_error_and_no_token(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()
    page = client.get(flow.authorize_url)
    data = consent_form_data(page)  # "Отказать" sends the form without "allow"

    params = redirect_params(client.post("/o/authorize/", data))

    assert params["error"] == "access_denied"
    assert params["state"] == flow.state
    assert "code" not in params
    assert issued_rows() == (0, 0, 0, 0)
    assert not Consent.objects.exists()
    event = AuditEvent.objects.get(action="sso.consent_denied")
    assert event.outcome == "denied"
    assert event.subscriber_id == subscriber_user.subscriber_id


def test_auth_14_without_consent_nothing_is_issued(client: Client, partner: Any, subscriber_user: Any) -> None:
    # The consent screen was shown but never answered: there is no code to exchange.
    client.force_login(subscriber_user)
    flow = new_flow()
    assert client.get(flow.authorize_url).status_code == 200

    made_up = exchange(Client(), "made-up-code", flow.verifier)

    assert made_up.status_code == 400
    assert made_up.json()["error"] == "invalid_grant"
    assert issued_rows() == (0, 0, 0, 0)
    assert not Consent.objects.exists()


def test_auth_14_anonymous_visitor_is_sent_to_the_portal_login(client: Client, partner: Any) -> None:
    flow = new_flow()

    response = client.get(flow.authorize_url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/o/authorize/")
    assert issued_rows() == (0, 0, 0, 0)


def test_auth_14_pkce_is_required_and_checked(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()

    without = client.get("/o/authorize/?" + flow.query(code_challenge=None, code_challenge_method=None))
    plain = client.get("/o/authorize/?" + flow.query(code_challenge_method="plain"))

    assert redirect_params(without)["error"] == "invalid_request"
    assert redirect_params(plain)["error"] == "invalid_request"

    params = approve(client, flow)
    wrong = exchange(Client(), params["code"], "x" * 64)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert (AccessToken.objects.count(), IDToken.objects.count()) == (0, 0)


def test_auth_14_implicit_and_hybrid_flows_are_refused(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()

    for response_type in ("token", "id_token", "id_token token", "code id_token"):
        response = client.get("/o/authorize/?" + flow.query(response_type=response_type))
        assert response.status_code in (302, 400)
        if response.status_code == 302:
            assert "error=" in response["Location"]
            assert "access_token" not in response["Location"]
    assert issued_rows() == (0, 0, 0, 0)


def test_auth_14_unknown_redirect_uri_is_not_followed(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)

    response = client.get("/o/authorize/?" + new_flow().query(redirect_uri="http://evil.test/cb"))

    assert response.status_code == 400
    assert "evil.test" not in response.get("Location", "")


def test_auth_14_wrong_client_secret_gets_no_token(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()
    params = approve(client, flow)

    response = Client().post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": flow.verifier,
        },
        HTTP_AUTHORIZATION=basic_auth(secret="wrong"),
    )

    assert response.status_code == 401
    assert AccessToken.objects.count() == 0


def test_auth_14_revoked_consent_makes_access_and_refresh_tokens_fail(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    _, body = signed_in(client, subscriber_user)
    assert userinfo(Client(), body["access_token"]).status_code == 200
    consent = Consent.objects.get(user=subscriber_user)

    listing = client.get("/partners/")
    assert listing.status_code == 200
    assert "Отозвать доступ «Мелофон»" in listing.content.decode()

    response = client.post(f"/partners/{consent.pk}/revoke/")

    assert response.status_code == 302
    assert not Consent.objects.exists()
    assert issued_rows() == (0, 0, 0, 0)
    assert userinfo(Client(), body["access_token"]).status_code == 401
    refreshed = refresh(Client(), body["refresh_token"])
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 0
    event = AuditEvent.objects.get(action="sso.consent_revoked")
    assert event.subscriber_id == subscriber_user.subscriber_id
    assert event.details["client_id"] == PARTNER_ID
    assert "Отозвать доступ «Мелофон»" not in client.get("/partners/").content.decode()
    # The next sign-in asks again.
    assert client.get(new_flow().authorize_url).status_code == 200


def test_auth_14_refresh_works_while_consent_stands(client: Client, partner: Any, subscriber_user: Any) -> None:
    _, body = signed_in(client, subscriber_user)

    refreshed = refresh(Client(), body["refresh_token"])

    assert refreshed.status_code == 200
    assert userinfo(Client(), refreshed.json()["access_token"]).status_code == 200
    # Rotation: the old refresh token is spent; replaying it revokes the whole family.
    assert refresh(Client(), body["refresh_token"]).status_code == 400
    assert refresh(Client(), refreshed.json()["refresh_token"]).status_code == 400


def test_auth_14_another_users_consent_cannot_be_revoked(client: Client, partner: Any, subscriber_user: Any) -> None:
    signed_in(client, subscriber_user)
    consent = Consent.objects.get(user=subscriber_user)
    rows = issued_rows()
    other: Any = UserFactory(subscriber=subscriber_with_balance())
    intruder = Client()
    intruder.force_login(other)

    response = intruder.post(f"/partners/{consent.pk}/revoke/")

    assert response.status_code == 404
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert issued_rows() == rows
    assert not AuditEvent.objects.filter(action="sso.consent_revoked").exists()
    assert "Отозвать доступ «Мелофон»" not in intruder.get("/partners/").content.decode()


def test_auth_14_consents_page_needs_login(client: Client) -> None:
    response = client.get("/partners/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _close_access(user: Any) -> None:
    from issa.access.services import access_close_by_subscriber

    access_close_by_subscriber(subscriber=user.subscriber, actor=Actor.system("test"), now=timezone.now())


def test_auth_14_closed_access_cannot_sign_in(client: Client, partner: Any, subscriber_user: Any) -> None:
    client.force_login(subscriber_user)
    flow = new_flow()
    _close_access(subscriber_user)

    response = client.get(flow.authorize_url)

    # The access guard ends the session first; the login page then refuses the closed number.
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert issued_rows() == (0, 0, 0, 0)
    assert not Consent.objects.exists()


def test_auth_14_consent_screen_refuses_a_closed_number_itself(partner: Any, subscriber_user: Any) -> None:
    """Without the session guard in front (defence in depth), the authorize view refuses too."""
    from django.contrib.sessions.backends.db import SessionStore

    from issa.sso.views import ConsentAuthorizationView

    _close_access(subscriber_user)
    request = RequestFactory().get("/o/authorize/?" + new_flow().query())
    request.user = subscriber_user
    request.session = SessionStore()

    response = ConsentAuthorizationView.as_view()(request)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Мелофон" in html
    assert "error=access_denied" in html
    assert issued_rows() == (0, 0, 0, 0)
    event = AuditEvent.objects.get(action="sso.signin_refused")
    assert event.outcome == "denied"
    assert event.details["reason"] == "access_closed_subscriber"


def test_auth_14_closing_access_stops_tokens_already_issued(client: Client, partner: Any, subscriber_user: Any) -> None:
    flow = new_flow()
    client.force_login(subscriber_user)
    params = approve(client, flow)
    _, body = signed_in(Client(), subscriber_user)

    _close_access(subscriber_user)

    assert userinfo(Client(), body["access_token"]).status_code == 401
    assert refresh(Client(), body["refresh_token"]).status_code == 400
    late = exchange(Client(), params["code"], flow.verifier)
    assert late.status_code == 400
    assert late.json()["error"] == "invalid_grant"


def test_auth_14_the_password_never_passes_to_the_partner(client: Client, partner: Any, subscriber_user: Any) -> None:
    password = "demo1234"  # UserFactory's password
    assert subscriber_user.check_password(password)
    flow, body = signed_in(client, subscriber_user)
    info = userinfo(Client(), body["access_token"])
    claims = verified_claims(client, body["id_token"], flow.nonce)

    for payload in (json.dumps(body), info.content.decode(), json.dumps(claims)):
        assert password not in payload
        assert subscriber_user.password not in payload
        assert "password" not in payload

    # The resource-owner password grant (a partner collecting the password) is refused.
    before = issued_rows()
    response = Client().post(
        "/o/token/",
        {"grant_type": "password", "username": subscriber_user.login, "password": password, "scope": "openid"},
        HTTP_AUTHORIZATION=basic_auth(),
    )
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()
    assert issued_rows() == before


def test_auth_14_the_partner_demo_has_no_password_field(client: Client) -> None:
    page = client.get("/melofon/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Войти через ISSA" in html
    assert 'type="password"' not in html
    assert 'name="password"' not in html


def test_auth_14_demo_partner_registration_is_idempotent(db: Any) -> None:
    from oauth2_provider.models import Application

    from issa.sso.services import melofon_register

    first, created = melofon_register(now=timezone.now())
    second, created_again = melofon_register(now=timezone.now())

    assert created is True
    assert created_again is False
    assert first.pk == second.pk
    assert Application.objects.count() == 1
    assert first.client_type == "confidential"
    assert first.authorization_grant_type == "authorization-code"
    assert first.algorithm == "RS256"
    assert "http://127.0.0.1:8000/melofon/callback" in first.redirect_uris.split()
    assert first.client_secret.startswith("argon2")  # stored hashed
    assert AuditEvent.objects.filter(action__startswith="sso.partner_").count() == 1


def test_auth_14_demo_loader_registers_the_partner(db: Any) -> None:
    import io

    from oauth2_provider.models import Application

    from issa.demo.loaders import sso as loader

    out = io.StringIO()
    loader.load(stdout=out, now=timezone.now())
    loader.load(stdout=out, now=timezone.now())

    assert loader.ORDER == 90
    assert Application.objects.filter(client_id="melofon-demo").count() == 1
    assert "up to date" in out.getvalue()


def test_auth_14_staff_without_a_number_cannot_sign_in_to_partners(partner: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from issa.sso.views import ConsentAuthorizationView

    staff: Any = UserFactory(kind="staff", is_staff=True)
    request = RequestFactory().get("/o/authorize/?" + new_flow().query())
    request.user = staff
    request.session = SessionStore()

    response = ConsentAuthorizationView.as_view()(request)

    assert response.status_code == 403
    assert issued_rows() == (0, 0, 0, 0)
    assert AuditEvent.objects.get(action="sso.signin_refused").details["reason"] == "sso_not_a_subscriber"


def test_auth_14_partner_tokens_end_at_a_password_change_hook(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    from issa.sso.services import partner_tokens_end

    _, body = signed_in(client, subscriber_user)

    removed = partner_tokens_end(
        user=subscriber_user, actor=Actor.system("test"), now=timezone.now(), reason="password_changed"
    )

    assert removed > 0
    assert issued_rows() == (0, 0, 0, 0)
    assert userinfo(Client(), body["access_token"]).status_code == 401
    assert Consent.objects.filter(user=subscriber_user).exists()  # the consent stays
    assert AuditEvent.objects.get(action="sso.tokens_ended").details["reason"] == "password_changed"


def test_auth_14_auth_8_password_change_ends_partner_tokens_and_keeps_consent(
    client: Client, partner: Any, subscriber_user: Any
) -> None:
    from issa.identity.services.accounts import password_change

    _, body = signed_in(client, subscriber_user)

    password_change(
        user=subscriber_user,
        old_password="demo1234",
        password="novyi2026",
        password2="novyi2026",
        actor=Actor(channel="web", user=subscriber_user, ip="127.0.0.1"),
        now=timezone.now(),
    )

    assert issued_rows() == (0, 0, 0, 0)
    assert userinfo(Client(), body["access_token"]).status_code == 401
    assert Consent.objects.filter(user=subscriber_user).exists()


def test_auth_14_expired_tokens_are_cleared(client: Client, partner: Any, subscriber_user: Any) -> None:
    from datetime import timedelta

    from issa.sso.tasks import expired_tokens_clear

    signed_in(client, subscriber_user)
    AccessToken.objects.update(expires=timezone.now() - timedelta(days=40))
    IDToken.objects.update(expires=timezone.now() - timedelta(days=40))

    expired_tokens_clear()

    assert AccessToken.objects.count() == 0
    assert IDToken.objects.count() == 0
    assert Consent.objects.filter(user=subscriber_user).exists()


def test_auth_14_token_endpoint_locks_an_ip_after_failed_client_authentications(
    client: Client, partner: Any, subscriber_user: Any, settings: Any
) -> None:
    from issa.identity.services import limits

    settings.ISSA_RULES = {"IP_FAILURES_PER_HOUR": 3, "IP_LOCK_SECONDS": 900}
    limits.clear(ip="127.0.0.1")
    client.force_login(subscriber_user)
    flow = new_flow()
    params = approve(client, flow)
    data = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": flow.verifier,
    }
    partner_server = Client()

    statuses = [
        partner_server.post("/o/token/", data, HTTP_AUTHORIZATION=basic_auth(secret="guess")).status_code
        for _ in range(3)
    ]
    # Locked now: even the right secret is refused, before any hashing.
    locked = partner_server.post("/o/token/", data, HTTP_AUTHORIZATION=basic_auth())

    assert statuses == [401, 401, 401]
    assert locked.status_code == 429
    assert AccessToken.objects.count() == 0
    limits.clear(ip="127.0.0.1")
    assert partner_server.post("/o/token/", data, HTTP_AUTHORIZATION=basic_auth()).status_code == 200


@pytest.mark.parametrize(
    ("language", "allow", "deny"),
    [("ru", "Разрешить", "Отказать"), ("be", "Дазволіць", "Адмовіць"), ("en", "Allow", "Deny")],
)
def test_auth_14_consent_screen_speaks_the_subscribers_language(
    client: Client, partner: Any, subscriber_user: Any, language: str, allow: str, deny: str
) -> None:
    client.force_login(subscriber_user)

    page = client.get(new_flow().authorize_url, HTTP_ACCEPT_LANGUAGE=language)

    html = page.content.decode()
    assert f'lang="{language}"' in html
    assert allow in html
    assert deny in html
