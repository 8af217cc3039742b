"""The back office's login (ADR 0009): 1) login and password (Django's admin form), 2) the
6-digit code of the staff member's TOTP device, or, without a confirmed device, its enrolment
(QR code and secret, confirmed by a code). Only after step 2 is the session logged in and marked
verified (``django_otp.login``); between the steps the session holds just the user's id, for
``PENDING_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django import forms
from django.contrib import auth
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from issa.core import clock
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.services import limits

from . import services
from .adminsite import is_verified_staff

PENDING_KEY = "backoffice_login"
PENDING_SECONDS = 5 * 60


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="admin")


def _safe_next(request: HttpRequest, site: AdminSite, raw: str | None) -> str:
    if raw and url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return reverse("admin:index", current_app=site.name)


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    state = request.session.get(PENDING_KEY) or {}
    if not state or time.time() - float(state.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=int(state.get("user") or 0), is_active=True, is_staff=True).first()
    return user, state


def _context(request: HttpRequest, site: AdminSite, **extra: Any) -> dict[str, Any]:
    return {
        **site.each_context(request),
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        "subtitle": None,
        **extra,
    }


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def staff_login(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    request.current_app = site.name
    if request.method == "GET" and is_verified_staff(request):
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    if "restart" in request.GET:
        request.session.pop(PENDING_KEY, None)
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    user, state = _pending_user(request)
    if user is None:
        return _password_step(request, site)
    device = services.confirmed_device(user)
    return _code_step(request, site, user, state, device)


def _password_step(request: HttpRequest, site: AdminSite) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = AdminAuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    locked: str | None = None
    if request.method == "POST":
        login = str(request.POST.get("username", ""))
        actor, now = _actor(request), clock.now()
        try:
            limits.guard(msisdn=services.limit_key(login), ip=actor.ip, now=now)
        except DomainError as error:
            locked = error.text()
        else:
            if form.is_valid():
                services.staff_password_passed(login=login)
                request.session.cycle_key()
                request.session[PENDING_KEY] = {"user": form.get_user().pk, "at": time.time(), "next": next_url}
                return HttpResponseRedirect(request.get_full_path())
            services.staff_password_failed(login=login, actor=actor, now=now)
    context = _context(
        request,
        site,
        title=_("Log in"),
        form=form,
        next=next_url or reverse("admin:index", current_app=site.name),
        locked=locked,
    )
    return TemplateResponse(request, "backoffice/login.html", context)


def _code_step(request: HttpRequest, site: AdminSite, user: User, state: dict[str, Any], device: Any) -> HttpResponse:
    enrolling = device is None
    if enrolling:
        device = services.enrolment_device(user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    error: Any = None
    if request.method == "POST" and form.is_valid():
        result = services.staff_totp_verify(
            user=user, device=device, token=form.cleaned_data["otp_token"], actor=_actor(request), now=clock.now()
        )
        if result.ok and result.device is not None:
            request.session.pop(PENDING_KEY, None)
            auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, result.device)
            return HttpResponseRedirect(_safe_next(request, site, state.get("next")))
        if result.locked_until is not None:
            seconds = max(1, int((result.locked_until - clock.now()).total_seconds()) + 1)
            error = _("Too many wrong codes. Try again in %(seconds)s s.") % {"seconds": seconds}
        else:
            error = _("Wrong code. Type the 6 digits the app shows now.")
        form = TokenForm()  # the wrong code is not typed back into the field
    elif request.method == "POST":
        error = _("Type the 6 digits the app shows now.")
    context = _context(
        request,
        site,
        title=_("Set up the second factor") if enrolling else _("Confirm with a code"),
        form=form,
        error=error,
        staff_user=user,
        enrolling=enrolling,
        restart_url=reverse("admin:login", current_app=site.name) + "?restart=1",
    )
    if enrolling:
        context["qr_svg"] = segno.make(services.provisioning_uri(device), error="m").svg_inline(
            scale=4, border=2, dark="#000", light="#fff", svgclass="totp-qr", title=str(_("QR code for the app"))
        )
        context["secret"] = services.secret_base32(device)
    response = TemplateResponse(request, "backoffice/login_code.html", context)
    response["Cache-Control"] = "no-store"
    return response
