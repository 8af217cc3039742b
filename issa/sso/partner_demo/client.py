"""A minimal OpenID Connect relying party: what a partner such as "Мелофон" runs on its side.

It knows ISSA only by its base URL and speaks only HTTP to it (discovery, token, JWKS, userinfo);
it never imports ISSA's code or models, so it shows exactly what a real partner must do:
authorization code flow with PKCE (S256), ``state`` against request forgery, ``nonce`` against
replay, and the id_token's RS256 signature checked against ISSA's published JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

TIMEOUT_SECONDS = 10


class PartnerError(Exception):
    """Sign-in through ISSA did not succeed; ``code`` is the OAuth error or our own reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class PartnerConfig:
    issa_url: str  # e.g. "http://127.0.0.1:8000" — the issuer is issa_url + "/o"
    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str = "openid profile phone"

    @property
    def issuer(self) -> str:
        return self.issa_url.rstrip("/") + "/o"


@dataclass(frozen=True)
class AuthorizationStart:
    url: str
    state: str
    nonce: str
    code_verifier: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_pair() -> tuple[str, str]:
    """RFC 7636: a random verifier and its S256 challenge."""
    verifier = _b64url(secrets.token_bytes(48))
    challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    return verifier, challenge


def _http(url: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Any:
    if not url.startswith(("http://", "https://")):
        raise PartnerError("bad_url", url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")  # noqa: S310 (scheme checked above)
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read().decode("utf-8") or "{}")
        except ValueError:
            payload = {}
        error = payload.get("error") or exc.headers.get("WWW-Authenticate", "") or f"http_{exc.code}"
        raise PartnerError(str(error), str(payload.get("error_description", ""))) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise PartnerError("issa_unreachable", str(exc)) from exc


def discover(config: PartnerConfig) -> dict[str, Any]:
    """ISSA's provider metadata (OpenID Connect Discovery 1.0); the issuer must be the one we trust."""
    metadata = _http(config.issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer") != config.issuer:
        raise PartnerError("issuer_mismatch", str(metadata.get("issuer")))
    return dict(metadata)


def authorization_start(config: PartnerConfig, metadata: dict[str, Any]) -> AuthorizationStart:
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": config.redirect_uri,
            "scope": config.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return AuthorizationStart(
        url=f"{metadata['authorization_endpoint']}?{query}", state=state, nonce=nonce, code_verifier=verifier
    )


def _client_auth_header(config: PartnerConfig) -> dict[str, str]:
    # RFC 6749 §2.3.1: form-encode id and secret before Basic encoding.
    user = urllib.parse.quote(config.client_id, safe="")
    password = urllib.parse.quote(config.client_secret, safe="")
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")}


def exchange_code(config: PartnerConfig, metadata: dict[str, Any], *, code: str, code_verifier: str) -> dict[str, Any]:
    """Trade the one-time code for tokens at ISSA's token endpoint (server to server)."""
    tokens = _http(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": config.redirect_uri,
            "code_verifier": code_verifier,
        },
        headers=_client_auth_header(config),
    )
    if "id_token" not in tokens or "access_token" not in tokens:
        raise PartnerError("no_id_token")
    return dict(tokens)


def refresh(config: PartnerConfig, metadata: dict[str, Any], *, refresh_token: str) -> dict[str, Any]:
    return dict(
        _http(
            metadata["token_endpoint"],
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            headers=_client_auth_header(config),
        )
    )


def verify_id_token(config: PartnerConfig, metadata: dict[str, Any], *, id_token: str, nonce: str) -> dict[str, Any]:
    """Check the RS256 signature with ISSA's JWKS and the claims that bind the token to this
    sign-in: issuer, audience (our client id), expiry, and our nonce."""
    keys = jwk.JWKSet.from_json(json.dumps(_http(metadata["jwks_uri"])))
    try:
        token = jwt.JWT(
            jwt=id_token,
            key=keys,
            algs=["RS256"],
            check_claims={"iss": config.issuer, "aud": config.client_id, "exp": None, "nonce": nonce},
        )
    except (JWException, ValueError) as exc:
        raise PartnerError("invalid_id_token", str(exc)) from exc
    return dict(json.loads(token.claims))


def userinfo(metadata: dict[str, Any], *, access_token: str) -> dict[str, Any]:
    return dict(_http(metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}))
