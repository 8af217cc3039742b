"""Fixtures of partner sign-in tests: a registered partner and helpers that play its part."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk, jwt

from issa.identity.actor import Actor
from issa.sso.partner_demo.client import pkce_pair
from issa.sso.services import partner_client_register
from issa.testing.factories import UserFactory, subscriber_with_balance

PARTNER_ID = "partner-test"
PARTNER_SECRET = "partner-test-secret-0123456789"
REDIRECT_URI = "http://partner.test/callback"
ISSUER = "http://testserver/o"


@pytest.fixture
def partner(db: Any) -> Any:
    application, _ = partner_client_register(
        client_id=PARTNER_ID,
        client_secret=PARTNER_SECRET,
        name="Мелофон",
        redirect_uris=[REDIRECT_URI],
        actor=Actor.system("test"),
        now=timezone.now(),
    )
    return application


@pytest.fixture
def subscriber_user(db: Any) -> Any:
    subscriber = subscriber_with_balance()
    return UserFactory(subscriber=subscriber, full_name="Иванов Иван Иванович")


@dataclass
class Flow:
    """One sign-in as the partner starts it: the values it keeps and the authorize query."""

    state: str
    nonce: str
    verifier: str
    challenge: str
    scope: str

    def query(self, **override: str | None) -> str:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": PARTNER_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        params.update(override)
        return urlencode({k: v for k, v in params.items() if v is not None})

    @property
    def authorize_url(self) -> str:
        return "/o/authorize/?" + self.query()


_counter = iter(range(1_000_000))


def new_flow(scope: str = "openid profile phone") -> Flow:
    n = next(_counter)
    verifier, challenge = pkce_pair()
    return Flow(state=f"state-{n}", nonce=f"nonce-{n}", verifier=verifier, challenge=challenge, scope=scope)


def consent_form_data(response: Any) -> dict[str, str]:
    """The hidden fields of the consent form, as the browser would send them back."""
    form = response.context["form"]
    return {name: "" if value is None else str(value) for name, value in form.initial.items()}


def redirect_params(response: Any) -> dict[str, str]:
    assert response.status_code == 302, response.status_code
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def basic_auth(client_id: str = PARTNER_ID, secret: str = PARTNER_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def approve(client: Client, flow: Flow) -> dict[str, str]:
    """GET the consent screen, press "Разрешить" (unless the consent is remembered); returns the
    partner's callback parameters."""
    page = client.get(flow.authorize_url)
    if page.status_code == 302:  # a remembered consent: no screen
        return redirect_params(page)
    assert page.status_code == 200
    data = consent_form_data(page)
    data["allow"] = "1"
    return redirect_params(client.post("/o/authorize/", data))


def exchange(client: Client, code: str, verifier: str, **extra: str) -> Any:
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            **extra,
        },
        HTTP_AUTHORIZATION=basic_auth(),
    )


def refresh(client: Client, refresh_token: str) -> Any:
    return client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=basic_auth(),
    )


def userinfo(client: Client, access_token: str) -> Any:
    return client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def verified_claims(client: Client, id_token: str, nonce: str) -> dict[str, Any]:
    """Verify the id_token as a partner does: RS256 signature against the published JWKS."""
    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content.decode())
    token = jwt.JWT(
        jwt=id_token,
        key=keys,
        algs=["RS256"],
        check_claims={"iss": ISSUER, "aud": PARTNER_ID, "exp": None, "nonce": nonce},
    )
    return dict(json.loads(token.claims))


def signed_in(client: Client, user: Any, flow: Flow | None = None) -> tuple[Flow, dict[str, Any]]:
    """The whole happy path; returns the flow and the token response."""
    flow = flow or new_flow()
    client.force_login(user)
    params = approve(client, flow)
    tokens = exchange(Client(), params["code"], flow.verifier)
    assert tokens.status_code == 200, tokens.content
    return flow, tokens.json()
