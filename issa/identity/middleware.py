"""Session rules of the portal (AUTH-8, AUTH-9).

``IdleSessionMiddleware`` (after AuthenticationMiddleware): a request that brings the cookie of a
session which timed out after ``IDLE_TIMEOUT_SECONDS`` cancels that session's pending requests at
once and tells the user why they are on the login page.

``PasswordChangeRequiredMiddleware``: a temporary or expired password (AUTH-8) allows only the
change-password page and logout until it is changed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from issa.core import clock

from .services.accounts import must_change_password
from .services.pending import pending_cancel_for_session

IDLE_MESSAGE = _("The session ended after 15 minutes of inactivity. Log in again.")


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        session = getattr(request, "session", None)
        if cookie_key and session is not None and not request.path.startswith(("/static/", "/api/")):
            session.get("_auth_user_id")  # load it
            if session.session_key is None:  # the cookie named a session that is gone
                pending_cancel_for_session(session_key=cookie_key, reason="idle_timeout", now=clock.now())
                messages.info(request, IDLE_MESSAGE)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_staff
            and not request.path.startswith(("/static/", "/api/", "/staff/", "/i18n/", "/phone/", "/ussd/"))
            and must_change_password(user, clock.now())
        ):
            allowed = {reverse("portal:password_change"), reverse("portal:logout")}
            if request.path not in allowed:
                return redirect("portal:password_change")
        return self.get_response(request)
