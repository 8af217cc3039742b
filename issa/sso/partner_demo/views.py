"""Pages of the demo partner "Мелофон": sign in through ISSA, show who signed in, sign out.

The partner keeps its own state in its own store (Django's cache under a ``melofon:`` prefix,
keyed by a random id in its own cookie) — never in ISSA's session, and it receives no password.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import client, config

FLOW_COOKIE = "melofon_flow"
SESSION_COOKIE = "melofon_sid"
FLOW_SECONDS = 600
SESSION_SECONDS = 3600


def _partner_config(request: HttpRequest) -> client.PartnerConfig:
    origin = f"{request.scheme}://{request.get_host()}"
    return client.PartnerConfig(
        issa_url=config.issa_url(origin),
        client_id=config.CLIENT_ID,
        client_secret=config.client_secret(),
        redirect_uri=request.build_absolute_uri(reverse("melofon:callback")),
    )


def _store_key(kind: str, key: str) -> str:
    return f"melofon:{kind}:{key}"


def _signed_in(request: HttpRequest) -> dict[str, Any] | None:
    sid = request.COOKIES.get(SESSION_COOKIE, "")
    return cache.get(_store_key("session", sid)) if sid else None


def format_phone(e164: str) -> str:
    """``+375291234567`` -> ``+375 29 123-45-67``; other numbers as they came."""
    digits = e164.lstrip("+")
    if len(digits) == 12 and digits.startswith("375") and digits.isdigit():
        return f"+375 {digits[3:5]} {digits[5:8]}-{digits[8:10]}-{digits[10:12]}"
    return e164


def _page(request: HttpRequest, *, error: str = "", notice: str = "", status: int = 200) -> HttpResponse:
    session = _signed_in(request)
    phone = format_phone(session["claims"].get("phone_number", "")) if session else ""
    return render(
        request,
        "melofon/home.html",
        {"session": session, "phone": phone, "error": error, "notice": notice},
        status=status,
    )


_ERRORS = {
    "access_denied": lambda: _("You did not allow Мелофон to use your ISSA account."),
    "state_mismatch": lambda: _("The sign-in was not started here or has expired. Please try again."),
    "invalid_id_token": lambda: _("ISSA's answer could not be verified. Please try again."),
    "issa_unreachable": lambda: _("ISSA cannot be reached right now. Please try again later."),
}


def _error_text(code: str) -> str:
    make = _ERRORS.get(code)
    return make() if make else _("Signing in through ISSA did not succeed (%(code)s).") % {"code": code}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """Start the sign-in: remember state, nonce and the PKCE verifier, send the browser to ISSA."""
    partner = _partner_config(request)
    try:
        metadata = client.discover(partner)
    except client.PartnerError as exc:
        return _page(request, error=_error_text(exc.code), status=502)
    start = client.authorization_start(partner, metadata)
    flow_id = secrets.token_urlsafe(24)
    cache.set(
        _store_key("flow", flow_id),
        {"state": start.state, "nonce": start.nonce, "code_verifier": start.code_verifier},
        FLOW_SECONDS,
    )
    response = HttpResponseRedirect(start.url)
    response.set_cookie(
        FLOW_COOKIE, flow_id, max_age=FLOW_SECONDS, httponly=True, samesite="Lax", secure=request.is_secure()
    )
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """ISSA sent the browser back: check ``state``, trade the code, verify the id_token."""
    flow_id = request.COOKIES.get(FLOW_COOKIE, "")
    flow = cache.get(_store_key("flow", flow_id)) if flow_id else None
    if flow_id:
        cache.delete(_store_key("flow", flow_id))  # one use
    if not flow or not secrets.compare_digest(str(request.GET.get("state", "")), flow["state"]):
        return _page(request, error=_error_text("state_mismatch"), status=400)
    if request.GET.get("error"):
        return _page(request, error=_error_text(request.GET["error"]), status=400)
    code = request.GET.get("code", "")
    partner = _partner_config(request)
    try:
        metadata = client.discover(partner)
        if request.GET.get("iss") and request.GET["iss"] != metadata["issuer"]:
            raise client.PartnerError("issuer_mismatch")  # RFC 9207 mix-up defence
        tokens = client.exchange_code(partner, metadata, code=code, code_verifier=flow["code_verifier"])
        claims = client.verify_id_token(partner, metadata, id_token=tokens["id_token"], nonce=flow["nonce"])
        claims.update(client.userinfo(metadata, access_token=tokens["access_token"]))
    except client.PartnerError as exc:
        return _page(request, error=_error_text(exc.code), status=400)
    sid = secrets.token_urlsafe(24)
    cache.set(
        _store_key("session", sid),
        {
            "claims": {k: claims[k] for k in ("sub", "name", "phone_number", "phone_number_verified") if k in claims},
            "access_token": tokens["access_token"],
            "refresh_token": tokens.get("refresh_token", ""),
        },
        SESSION_SECONDS,
    )
    response = HttpResponseRedirect(reverse("melofon:home"))
    response.delete_cookie(FLOW_COOKIE)
    response.set_cookie(
        SESSION_COOKIE, sid, max_age=SESSION_SECONDS, httponly=True, samesite="Lax", secure=request.is_secure()
    )
    return response


@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """Ask ISSA again (refresh, then userinfo): after the subscriber revoked the consent in the
    portal, ISSA refuses and the partner signs the person out."""
    sid = request.COOKIES.get(SESSION_COOKIE, "")
    session = _signed_in(request)
    if session is None:
        return HttpResponseRedirect(reverse("melofon:home"))
    partner = _partner_config(request)
    try:
        metadata = client.discover(partner)
        tokens = client.refresh(partner, metadata, refresh_token=session["refresh_token"])
        info = client.userinfo(metadata, access_token=tokens["access_token"])
    except client.PartnerError:
        cache.delete(_store_key("session", sid))
        return _page(request, error=_("ISSA no longer confirms your sign-in: you have been signed out."), status=401)
    session.update(access_token=tokens["access_token"], refresh_token=tokens.get("refresh_token", ""))
    session["claims"].update({k: info[k] for k in ("name", "phone_number") if k in info})
    cache.set(_store_key("session", sid), session, SESSION_SECONDS)
    return _page(request, notice=_("ISSA confirmed your sign-in."))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sid = request.COOKIES.get(SESSION_COOKIE, "")
    if sid:
        cache.delete(_store_key("session", sid))
    response = HttpResponseRedirect(reverse("melofon:home"))
    response.delete_cookie(SESSION_COOKIE)
    return response
