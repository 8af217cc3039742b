"""Closing ISSA access (AUTH-10/11/12) ends the sessions already open for that number.

Placed right after AuthenticationMiddleware. For every authenticated request of a mobile user it
runs one indexed query (active blocks of the user's number); when access is closed it logs the
user out (the session is flushed, so the pending requests of AUTH-9 are cancelled by the logout
hook too), records it, and sends the person to the login page with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url

from issa.core import clock
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.identity.services import logout as identity_logout

from .selectors import active_reasons, denial_for_reason, main_reason


class AccessGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        subscriber_id = getattr(user, "subscriber_id", None) if user is not None else None
        if subscriber_id and user is not None and user.is_authenticated:
            reason = main_reason(active_reasons(subscriber_id=subscriber_id))
            if reason is not None:
                return self._end_session(request, reason)
        return self.get_response(request)

    def _end_session(self, request: HttpRequest, reason: str) -> HttpResponse:
        denial = denial_for_reason(reason)
        actor = Actor.from_request(request, channel="api" if request.path.startswith("/api/") else "web")
        user: Any = request.user
        now = clock.now()
        with transaction.atomic():
            # The identity app's logout cancels the session's pending requests (AUTH-9) and audits.
            identity_logout(user=user, session_key=request.session.session_key or "", actor=actor, now=now)
            audit_record(
                actor=actor,
                action="access.session_ended",
                now=now,
                subscriber=user.subscriber,
                details={"reason": reason},
            )
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse(denial.as_dict(), status=401)
        login_url = resolve_url(settings.LOGIN_URL)
        # The message rides in the new (anonymous) session to the login page, which shows messages.
        storage = default_storage(request)
        request._messages = storage  # type: ignore[attr-defined]
        storage.add(messages.WARNING, denial.text())
        if request.headers.get("HX-Request") == "true":
            response: HttpResponse = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
        else:
            response = HttpResponseRedirect(login_url)
        storage.update(response)
        return response
