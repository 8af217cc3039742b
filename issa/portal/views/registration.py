"""Registration (AUTH-1..5) and password recovery (AUTH-7) on the web, as two small wizards:
number and identification method -> code or PUK1 and password -> done. The wizard keeps only the
number and the method in the session; codes, PUKs and passwords are never stored there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from issa.core import clock, rules
from issa.core.errors import DomainError
from issa.core.phone import format_msisdn, parse_msisdn
from issa.identity.actor import Actor
from issa.identity.models import OtpChallenge
from issa.identity.services import (
    Method,
    password_recover,
    recovery_start,
    registration_complete,
    registration_start,
)
from issa.identity.services.otp import resend_wait

FLOWS: dict[str, dict[str, Any]] = {
    "register": {
        "session": "issa_register",
        "purpose": OtpChallenge.Purpose.REGISTER,
        "start": registration_start,
        "template": "portal/account/register.html",
        "confirm_template": "portal/account/register_confirm.html",
        "confirm_url": "portal:register_confirm",
        "start_url": "portal:register",
    },
    "recover": {
        "session": "issa_recover",
        "purpose": OtpChallenge.Purpose.RECOVER,
        "start": recovery_start,
        "template": "portal/account/recover.html",
        "confirm_template": "portal/account/recover_confirm.html",
        "confirm_url": "portal:password_reset_confirm",
        "start_url": "portal:password_reset",
    },
}


def _policy() -> dict[str, Any]:
    return {
        "min": rules.get("PASSWORD_MIN_LENGTH"),
        "max": rules.get("PASSWORD_MAX_LENGTH"),
        "ussd": rules.get("USSD_REGISTER"),
    }


def _start(request: HttpRequest, flow: str) -> HttpResponse:
    spec = FLOWS[flow]
    context: dict[str, Any] = {"methods": Method.choices, "method": Method.SMS, "msisdn": "", **_policy()}
    if request.method != "POST":
        return render(request, spec["template"], context)
    context["msisdn"] = request.POST.get("msisdn", "")[:32]
    context["method"] = request.POST.get("method", Method.SMS)
    try:
        msisdn = parse_msisdn(context["msisdn"])
        spec["start"](msisdn=msisdn, method=context["method"], actor=Actor.from_request(request), now=clock.now())
    except DomainError as error:
        if error.code == "otp_resend_too_soon" and request.session.get(spec["session"], {}).get("msisdn") == (
            parse_msisdn(context["msisdn"])
        ):
            messages.info(request, error.text())  # a code is on its way already: go on and type it
            return redirect(spec["confirm_url"])
        context["error"] = error
        return render(request, spec["template"], context, status=error.http_status)
    if context["method"] == Method.USSD:
        context["formatted"] = format_msisdn(msisdn)
        return render(request, "portal/account/ussd_instructions.html", context)
    request.session[spec["session"]] = {"msisdn": msisdn, "method": context["method"]}
    return redirect(spec["confirm_url"])


def _confirm_context(request: HttpRequest, flow: str) -> dict[str, Any] | None:
    spec = FLOWS[flow]
    state = request.session.get(spec["session"])
    if not state:
        return None
    wait = resend_wait(msisdn=state["msisdn"], purpose=spec["purpose"], now=clock.now())
    return {**state, "formatted": format_msisdn(state["msisdn"]), "resend_wait": wait, **_policy()}


def _resend(request: HttpRequest, flow: str, context: dict[str, Any]) -> HttpResponse:
    spec = FLOWS[flow]
    try:
        spec["start"](msisdn=context["msisdn"], method=Method.SMS, actor=Actor.from_request(request), now=clock.now())
    except DomainError as error:
        context["error"] = error
        return render(request, spec["confirm_template"], context, status=error.http_status)
    messages.info(request, _("A new code has been sent."))
    return redirect(spec["confirm_url"])


def register(request: HttpRequest) -> HttpResponse:
    """AUTH-1 step 1: the number and the identification method."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    return _start(request, "register")


@never_cache
def register_confirm(request: HttpRequest) -> HttpResponse:
    """AUTH-1 step 2: the code (or PUK1) and the password, then "Зарегистрироваться"."""
    from .account import home_context, start_session

    context = _confirm_context(request, "register")
    if context is None:
        return redirect("portal:register")
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            return _resend(request, "register", context)
        generate = request.POST.get("generate") == "on"
        try:
            done = registration_complete(
                msisdn=context["msisdn"],
                method=context["method"],
                secret=request.POST.get("puk" if context["method"] == Method.PUK else "code", ""),
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
                generate=generate,
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as error:
            context["error"] = error
            context["generate"] = generate
            return render(request, "portal/account/register_confirm.html", context, status=error.http_status)
        request.session.pop("issa_register", None)
        start_session(request, done.user)
        if done.generated_password:
            # Shown once, in this response only: never stored in the session or sent anywhere.
            return render(
                request,
                "portal/account/home.html",
                {**home_context(request), "generated_password": done.generated_password},
            )
        messages.success(request, _("You are registered. Welcome to the personal account!"))
        return redirect("portal:home")
    return render(request, "portal/account/register_confirm.html", context)


def recover(request: HttpRequest) -> HttpResponse:
    """AUTH-7 step 1: the number and the identification method."""
    return _start(request, "recover")


@never_cache
def recover_confirm(request: HttpRequest) -> HttpResponse:
    """AUTH-7 step 2: the code (or PUK1) and the new password twice."""
    context = _confirm_context(request, "recover")
    if context is None:
        return redirect("portal:password_reset")
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            return _resend(request, "recover", context)
        try:
            password_recover(
                msisdn=context["msisdn"],
                method=context["method"],
                secret=request.POST.get("puk" if context["method"] == Method.PUK else "code", ""),
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as error:
            context["error"] = error
            return render(request, "portal/account/recover_confirm.html", context, status=error.http_status)
        request.session.pop("issa_recover", None)
        messages.success(request, _("The password is changed. Log in with the new password."))
        return redirect("portal:login")
    return render(request, "portal/account/recover_confirm.html", context)


urlpatterns = [
    path("register/", register, name="register"),
    path("register/confirm/", register_confirm, name="register_confirm"),
    path("password/reset/", recover, name="password_reset"),
    path("password/reset/confirm/", recover_confirm, name="password_reset_confirm"),
]
