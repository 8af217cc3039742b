"""The portal's one place that turns an uncaught DomainError into a page with the right status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, ErrorKind

# The heading people see above the error's own message, one per kind.
TITLES: dict[ErrorKind, Any] = {
    ErrorKind.INVALID: _("Check what you entered"),
    ErrorKind.UNAUTHORIZED: _("Please sign in"),
    ErrorKind.FORBIDDEN: _("Not allowed"),
    ErrorKind.NOT_FOUND: _("Not found"),
    ErrorKind.CONFLICT: _("Not possible right now"),
    ErrorKind.RATE_LIMITED: _("Too many attempts"),
    ErrorKind.UNAVAILABLE: _("Temporarily unavailable"),
}


def error_context(error: DomainError) -> dict[str, Any]:
    """What the error templates show: a heading, the translated message and the stable code."""
    return {
        "error": error,
        "title": TITLES.get(error.kind, _("Error")),
        "message": error.text(),
        "code": error.code,
    }


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            return None  # the API maps errors itself (issa.config.api)
        # htmx swaps 4xx answers (see the htmx-config in portal/base.html), so a partial suffices.
        template = "portal/partials/error.html" if getattr(request, "htmx", False) else "portal/error.html"
        return render(request, template, error_context(exception), status=exception.http_status)
