"""Sign-in, sign-out, the home page (INFO-1), password change (AUTH-8) and the security page
(recent logins AUTH-13, API tokens). Registration and recovery are in ``registration.py``.

Views parse input, call one identity service and render; every rule lives in the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from issa.core import clock, rules
from issa.core.errors import DomainError
from issa.core.money import format_byn
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.selectors import recent_logins
from issa.identity.services import (
    login_check,
    login_confirm,
    logout,
    password_change,
    token_revoke,
    tokens_of,
)
from issa.portal import menu

from . import registration

BACKEND = "django.contrib.auth.backends.ModelBackend"
LOGIN_STEP_KEY = "issa_login_step"  # user id waiting for the SMS code of a two-step login

menu.register(
    menu.MenuItem(
        key="security",
        title=_("Password and security"),
        description=_("Change the password, see recent logins to the personal account, manage app sign-ins."),
        url_name="portal:security",
        order=900,
    )
)


def start_session(request: HttpRequest, user: User) -> None:
    """Log in: Django rotates the session key (no fixation); the idle timeout starts (AUTH-9)."""
    auth_login(request, user, backend=BACKEND)
    request.session.set_expiry(int(rules.get("IDLE_TIMEOUT_SECONDS")))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("portal:home")


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """AUTH-6: number and password (and the SMS code when the operator asks for it); HOME-1: the
    «Дом и офис» tab (``?kind=home``) takes the contract login of a home-and-office user."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    kind = User.Kind.HOME if kind == User.Kind.HOME else User.Kind.MOBILE  # HOME-1: the form's choice
    context: dict[str, Any] = {
        "login": "",
        "next": request.GET.get("next", ""),
        "home": kind == User.Kind.HOME,
        "kind": kind,
    }
    if request.method == "POST":
        context["login"] = request.POST.get("login", "")[:64]
        context["next"] = request.POST.get("next", "")
        try:
            result = login_check(
                login=context["login"],
                password=request.POST.get("password", ""),
                actor=Actor.from_request(request),
                now=clock.now(),
                kind=kind,
            )
        except DomainError as error:
            context["error"] = error
            return render(request, "portal/account/login.html", context, status=error.http_status)
        if result.second_factor:
            request.session.cycle_key()
            request.session[LOGIN_STEP_KEY] = {"user": result.user.pk, "next": _next_url(request)}
            return redirect("portal:login_code")
        start_session(request, result.user)
        return redirect(_next_url(request))
    return render(request, "portal/account/login.html", context)


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """AUTH-6 variant: the SMS code after the password."""
    step: dict[str, Any] = request.session.get(LOGIN_STEP_KEY) or {}
    user = User.objects.filter(pk=step.get("user") or 0).select_related("subscriber").first()
    if user is None:
        return redirect("portal:login")
    context: dict[str, Any] = {"masked": format_msisdn(user.login)}
    if request.method == "POST":
        try:
            login_confirm(
                user=user,
                code=request.POST.get("code", ""),
                actor=Actor(channel="web", user=user, ip=Actor.from_request(request).ip),
                now=clock.now(),
            )
        except DomainError as error:
            context["error"] = error
            return render(request, "portal/account/login_code.html", context, status=error.http_status)
        target = step.get("next") or reverse("portal:home")
        request.session.pop(LOGIN_STEP_KEY, None)
        start_session(request, user)
        return redirect(target)
    return render(request, "portal/account/login_code.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Logout: the session's pending requests are cancelled (AUTH-9), the session is flushed."""
    if request.user.is_authenticated:
        logout(
            user=request.user,
            session_key=request.session.session_key or "",
            actor=Actor.from_request(request),
            now=clock.now(),
        )
    auth_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("portal:login")


def home_context(request: HttpRequest) -> dict[str, Any]:
    """INFO-1's name, number and menus, and the balance at a glance (what a subscriber opens the
    account for most often; the whole picture stays on INFO-2's page)."""
    from issa.billing.selectors import account_balance

    user: Any = request.user
    subscriber = user.subscriber
    balance = account_balance(account_id=subscriber.account_id) if subscriber else None
    return {
        "full_name": (subscriber.display_name if subscriber else "") or user.full_name or user.login,
        "number": format_msisdn(subscriber.msisdn) if subscriber else user.login,
        "balance": format_byn(balance) if balance is not None else None,
        "balance_low": balance is not None and balance <= 0,
        "menu_items": [item for item in menu.items(user) if _resolves(item.url_name)],
    }


def _resolves(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:  # an item whose page is not built is simply not shown
        return False
    return True


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """INFO-1: full name and number, the main menu and the same menu with a line per item."""
    return render(request, "portal/account/home.html", home_context(request))


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """AUTH-8: change at any time; forced for temporary and expired passwords."""
    user: Any = request.user
    context: dict[str, Any] = {"forced": user.must_change_password, "policy": _policy_text()}
    if request.method == "POST":
        try:
            password_change(
                user=user,
                old_password=request.POST.get("old_password", ""),
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
                actor=Actor.from_request(request),
                now=clock.now(),
                keep_session_key=request.session.session_key or "",
            )
        except DomainError as error:
            context["error"] = error
            return render(request, "portal/account/password_change.html", context, status=error.http_status)
        update_session_auth_hash(request, user)  # this session stays; all others end
        messages.success(request, _("The password is changed. Other sessions and app sign-ins have ended."))
        return redirect("portal:home")
    return render(request, "portal/account/password_change.html", context)


def _policy_text() -> str:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return " ".join(str(text) for text in password_validators_help_texts())


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """AUTH-13 for the subscriber: recent logins; and the app sign-ins (API tokens) to revoke."""
    user: Any = request.user
    return render(
        request,
        "portal/account/security.html",
        {"events": recent_logins(user=user), "tokens": tokens_of(user=user, now=clock.now())},
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token_revoke(
        user=request.user,  # type: ignore[arg-type]
        token_id=token_id,
        actor=Actor.from_request(request),
        now=clock.now(),
    )
    messages.success(request, _("The app sign-in is revoked."))
    return redirect("portal:security")


urlpatterns = [
    path("login/", login_view, name="login"),
    path("login/code/", login_code, name="login_code"),
    path("logout/", logout_view, name="logout"),
    path("home/", home, name="home"),
    path("account/password/", password_change_view, name="password_change"),
    path("account/security/", security, name="security"),
    path("account/tokens/<int:token_id>/revoke/", token_revoke_view, name="token_revoke"),
    *registration.urlpatterns,
]
