"""Reads of partner sign-in (AUTH-14): may this user sign in to a partner, what was consented."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind

from .models import Consent

# What a partner receives for each scope, in the words of the consent screen.
SCOPE_DESCRIPTIONS: dict[str, Any] = {
    "openid": _("that you have an ISSA account (an anonymous identifier, not your number)"),
    "profile": _("your name"),
    "phone": _("your phone number"),
}


def scope_descriptions(scopes: list[str]) -> list[Any]:
    order = list(SCOPE_DESCRIPTIONS)
    known = sorted((s for s in set(scopes) if s in SCOPE_DESCRIPTIONS), key=order.index)
    return [SCOPE_DESCRIPTIONS[s] for s in known]


def signin_refusal(*, user: Any) -> DomainError | None:
    """Why ``user`` may not sign in to a partner right now, or ``None``.

    Checked at every step where the partner gets something: the consent screen, the code
    exchange, the refresh and userinfo. So closing ISSA access (AUTH-10/11/12) shuts partner
    sign-in at once, tokens already issued included.
    """
    if user is None or not getattr(user, "is_active", False):
        return DomainError("sso_account_disabled", _("This ISSA account is disabled."), kind=ErrorKind.FORBIDDEN)
    subscriber = getattr(user, "subscriber", None)
    if subscriber is None:
        return DomainError(
            "sso_not_a_subscriber",
            _("Signing in to partner services is available to mobile subscribers only."),
            kind=ErrorKind.FORBIDDEN,
        )
    # Imported here: issa.access is another bounded context; its selector is the one contract
    # that every channel's login asks (None means open).
    from issa.access.selectors import access_denial

    return access_denial(subscriber=subscriber)


def consent_for(*, user: Any, application: Any) -> Consent | None:
    return Consent.objects.filter(user=user, application=application).first()


def consents_of(*, user: Any) -> QuerySet[Consent]:
    """The user's consents, newest first, with the partner loaded (the portal's list)."""
    return Consent.objects.filter(user=user).select_related("application").order_by("-granted_at", "-id")
