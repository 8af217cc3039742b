"""The identity API at /api/auth (for the operator's mobile app): the same services as the portal.

Login returns a bearer token (``Authorization: Bearer issa_…``), stored hashed, expiring and
revocable. When the operator switched on the SMS second step (AUTH-6), the first call answers
``code_required`` and the second carries ``code``. A temporary or expired password (AUTH-8) must be
replaced in the login call itself (``new_password``).

Kinds of login (HOME-1): ``kind`` is the login form's tab. The default, ``"mobile"``, is what the
operator's mobile app sends: a mobile number (staff too, as on the portal's mobile tab). A
home-and-office user may use the API for the same data as in the portal (contract, balance, bills,
payments) but must say so with ``"kind": "home"`` and the contract login (``h1000001``); a login
of the other kind gets the same ``login_invalid`` answer as a wrong password, so the mobile app
never gets a token for a home contract by accident. The SMS second step is for mobile numbers only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.security import HttpBearer

from issa.core import clock
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import parse_msisdn

from .actor import Actor
from .models import ApiToken, User
from .selectors import recent_logins
from .services import (
    login_check,
    login_confirm,
    password_change,
    password_recover,
    recovery_start,
    registration_complete,
    registration_start,
    token_authenticate,
    token_create,
    token_revoke,
    tokens_of,
)
from .services.accounts import normalize_login


class BearerAuth(HttpBearer):
    """Every request re-checks the token and the number's ISSA access (AUTH-10..12)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(raw=token, now=clock.now())
        if found is not None:
            request.user = found.user
            request.api_token = found  # type: ignore[attr-defined]
        return found


bearer = BearerAuth()
router = Router(tags=["auth"], auth=bearer)


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")


def _user(request: HttpRequest) -> User:
    return request.api_token.user  # type: ignore[attr-defined]


class LoginIn(Schema):
    login: str
    password: str
    code: str = ""
    new_password: str = ""
    device: str = ""
    kind: Literal["mobile", "home"] = "mobile"  # the login's kind (HOME-1); see the module's docstring


class TokenOut(Schema):
    token: str | None = None
    expires_at: datetime | None = None
    code_required: bool = False


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class MeOut(Schema):
    login: str
    full_name: str
    msisdn: str | None
    must_change_password: bool


class LoginEventOut(Schema):
    at: datetime
    action: str
    channel: str
    ip: str | None
    outcome: str


class OkOut(Schema):
    ok: bool = True


class StartIn(Schema):
    msisdn: str
    method: str = "sms"


class RegisterIn(Schema):
    msisdn: str
    method: str = "sms"
    code: str = ""
    password: str = ""
    generate: bool = False


class RegisterOut(Schema):
    token: str
    expires_at: datetime
    generated_password: str | None = None


class RecoverIn(Schema):
    msisdn: str
    method: str = "sms"
    code: str
    password: str
    password2: str


class PasswordIn(Schema):
    old_password: str
    password: str
    password2: str


@router.post("/login", auth=None, response=TokenOut)
def login(request: HttpRequest, body: LoginIn) -> dict[str, Any]:
    now, actor = clock.now(), _actor(request)
    result = login_check(
        login=body.login, password=body.password, actor=actor, now=now, send_code=not body.code, kind=body.kind
    )
    if result.second_factor:
        if not body.code:
            return {"code_required": True}
        # Second call of a two-step login: the password again (no server state), then the code.
        as_user = Actor(channel="api", user=result.user, ip=actor.ip, user_agent=actor.user_agent)
        result = login_confirm(user=result.user, code=body.code, actor=as_user, now=now)
    user_actor = Actor(channel="api", user=result.user, ip=actor.ip, user_agent=actor.user_agent)
    if result.must_change_password:
        if not body.new_password:
            raise DomainError(
                "password_change_required",
                _("Your password must be changed: send new_password with the login."),
                kind=ErrorKind.FORBIDDEN,
            )
        password_change(
            user=result.user,
            old_password=body.password,
            password=body.new_password,
            password2=body.new_password,
            actor=user_actor,
            now=now,
        )
    token, raw = token_create(user=result.user, name=body.device or "API", actor=user_actor, now=now)
    return {"token": raw, "expires_at": token.expires_at}


@router.post("/logout", response=OkOut)
def logout(request: HttpRequest) -> dict[str, Any]:
    token = request.api_token  # type: ignore[attr-defined]
    token_revoke(user=token.user, token_id=token.pk, actor=_actor(request), now=clock.now())
    return {"ok": True}


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "login": user.login,
        "full_name": user.full_name,
        "msisdn": user.subscriber.msisdn if user.subscriber is not None else None,
        "must_change_password": user.must_change_password,
    }


@router.get("/tokens", response=list[TokenInfo])
def tokens(request: HttpRequest) -> list[ApiToken]:
    return tokens_of(user=_user(request), now=clock.now())


@router.delete("/tokens/{token_id}", response=OkOut)
def token_delete(request: HttpRequest, token_id: int) -> dict[str, Any]:
    token_revoke(user=_user(request), token_id=token_id, actor=_actor(request), now=clock.now())
    return {"ok": True}


@router.get("/logins", response=list[LoginEventOut])
def logins(request: HttpRequest) -> list[Any]:
    return list(recent_logins(user=_user(request)))


@router.post("/password", response=OkOut)
def password(request: HttpRequest, body: PasswordIn) -> dict[str, Any]:
    """Change the password; every token (this one too) ends: log in again."""
    password_change(
        user=_user(request),
        old_password=body.old_password,
        password=body.password,
        password2=body.password2,
        actor=_actor(request),
        now=clock.now(),
    )
    return {"ok": True}


@router.post("/register/start", auth=None, response=OkOut)
def register_start(request: HttpRequest, body: StartIn) -> dict[str, Any]:
    registration_start(msisdn=parse_msisdn(body.msisdn), method=body.method, actor=_actor(request), now=clock.now())
    return {"ok": True}


@router.post("/register", auth=None, response=RegisterOut)
def register(request: HttpRequest, body: RegisterIn) -> dict[str, Any]:
    now, actor = clock.now(), _actor(request)
    done = registration_complete(
        msisdn=parse_msisdn(body.msisdn),
        method=body.method,
        secret=body.code,
        password=body.password,
        password2=body.password,
        generate=body.generate,
        actor=actor,
        now=now,
    )
    token, raw = token_create(
        user=done.user, name="API", actor=Actor(channel="api", user=done.user, ip=actor.ip), now=now
    )
    return {"token": raw, "expires_at": token.expires_at, "generated_password": done.generated_password}


@router.post("/recover/start", auth=None, response=OkOut)
def recover_start(request: HttpRequest, body: StartIn) -> dict[str, Any]:
    recovery_start(msisdn=normalize_login(body.msisdn), method=body.method, actor=_actor(request), now=clock.now())
    return {"ok": True}


@router.post("/recover", auth=None, response=OkOut)
def recover(request: HttpRequest, body: RecoverIn) -> dict[str, Any]:
    password_recover(
        msisdn=normalize_login(body.msisdn),
        method=body.method,
        secret=body.code,
        password=body.password,
        password2=body.password2,
        actor=_actor(request),
        now=clock.now(),
    )
    return {"ok": True}
