"""Who is acting, through which channel and from where: passed to every service that changes
something, so that the audit event can say it (AUTH-13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User


@dataclass(frozen=True)
class Actor:
    channel: str  # AuditEvent.Channel value
    user: User | None = None
    ip: str | None = None
    user_agent: str = ""
    label: str = ""  # e.g. "USSD 375291234567" or "system: daily fees"

    @property
    def display(self) -> str:
        if self.label:
            return self.label
        if self.user is not None:
            return str(self.user.login)
        return self.channel

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(channel="system", label=f"system: {job}")

    @classmethod
    def from_request(cls, request: HttpRequest, channel: str = "web") -> Actor:
        user: Any = getattr(request, "user", None)
        return cls(
            channel=channel,
            user=user if user is not None and user.is_authenticated else None,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        )


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; the proxy in front sets it right (no trust in X-Forwarded-For by default)."""
    return request.META.get("REMOTE_ADDR") or None
