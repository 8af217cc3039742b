"""Domain errors: a stable code, a translated message, and a kind that maps to an HTTP status.

Every channel turns a ``DomainError`` into its own shape in one place: the JSON API
(``issa.config.api``), the portal (``issa.core.middleware`` and form views), USSD
(``issa.ussd.dispatch``). Codes are part of the API contract: never rename one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the request itself is wrong
    UNAUTHORIZED = "unauthorized"  # who you are is not established
    FORBIDDEN = "forbidden"  # you may not do this
    NOT_FOUND = "not_found"  # no such thing (or not yours: the same answer, on purpose)
    CONFLICT = "conflict"  # the state of things does not allow it now
    RATE_LIMITED = "rate_limited"  # too many attempts; try later
    UNAVAILABLE = "unavailable"  # closed for a while (e.g. BILL-4 window) or a backend is down


HTTP_STATUS: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHORIZED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}


class DomainError(Exception):
    """A rule of the business said no. The message is for people; the code is for programs."""

    def __init__(
        self,
        code: str,
        message: Any,
        *,
        kind: ErrorKind = ErrorKind.INVALID,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.message = message  # usually a lazy translation
        self.kind = kind
        self.field = field
        self.params = params
        super().__init__(code)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.kind]

    def text(self) -> str:
        """The message in the active language with its parameters filled in."""
        text = str(self.message)
        if self.params:
            try:
                return text % self.params
            except (KeyError, TypeError, ValueError):
                return text
        return text

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.text()}
        if self.field:
            body["field"] = self.field
        safe = {k: v for k, v in self.params.items() if isinstance(v, str | int | bool | None)}
        if safe:
            body["params"] = safe
        return body

    def __str__(self) -> str:
        return f"{self.code}: {self.text()}"


def not_found() -> DomainError:
    """The same answer for "does not exist" and "is not yours", so that ids cannot be probed."""
    return DomainError("not_found", _("Not found."), kind=ErrorKind.NOT_FOUND)
