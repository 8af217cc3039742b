"""/api/access: the state of my ISSA access, closing it, and the corporate list of the client's
numbers with opening and closing (AUTH-10, AUTH-11).

Authentication: the identity app's bearer token (which asks ``access_denial`` on every request)
or the portal's session with its CSRF check (ninja's ``django_auth``; AccessGuardMiddleware ends a
session whose access was closed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from issa.core import clock
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import parse_msisdn
from issa.identity.actor import Actor
from issa.identity.api import bearer

from . import selectors, services
from .models import CorporateRole

router = Router(tags=["access"], auth=[bearer, django_auth])


def _user(request: HttpRequest) -> Any:
    """The user behind the request's authentication: a bearer token's user or the session's."""
    auth = getattr(request, "auth", None)
    user = auth if getattr(auth, "is_authenticated", False) else getattr(auth, "user", None)
    if user is not None and user.is_authenticated:
        return user
    raise DomainError("not_authenticated", _("Please sign in."), kind=ErrorKind.UNAUTHORIZED)


def _subscriber(user: Any) -> Any:
    subscriber = getattr(user, "subscriber", None)
    if subscriber is None:
        raise DomainError(
            "not_mobile_user", _("This is available to mobile subscribers only."), kind=ErrorKind.FORBIDDEN
        )
    return subscriber


def _role(user: Any) -> CorporateRole:
    role = selectors.corporate_role_for(user=user)
    if role is None:
        raise DomainError("no_corporate_role", _("You have no corporate role."), kind=ErrorKind.FORBIDDEN)
    return role


def _actor(request: HttpRequest, user: Any) -> Actor:
    base = Actor.from_request(request, channel="api")
    return Actor(channel="api", user=user, ip=base.ip, user_agent=base.user_agent)


class AccessStateOut(Schema):
    msisdn: str
    open: bool
    reasons: list[str]
    closed_since: datetime | None = None
    message: str = ""


class CloseOut(Schema):
    open: bool
    message: str


class RoleOut(Schema):
    role: str
    role_name: str
    client: str
    rights: list[str]


class NumberOut(Schema):
    msisdn: str
    name: str
    plan: str
    status: str
    status_name: str
    access_open: bool
    access_reason: str | None = None
    can_open: bool = False
    can_close: bool = False


class NumberAccessOut(Schema):
    msisdn: str
    access_open: bool
    reasons: list[str]


class NumbersFilter(Schema):
    search: str = ""
    status: str = ""
    access: str = ""
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


@router.get("/me", response=AccessStateOut, summary="The state of my ISSA access")
def my_access(request: HttpRequest) -> dict[str, Any]:
    subscriber = _subscriber(_user(request))
    state = selectors.access_state(subscriber=subscriber)
    return {
        "msisdn": subscriber.msisdn,
        "open": state.open,
        "reasons": state.reasons,
        "closed_since": state.since,
        "message": state.denial.text() if state.denial else "",
    }


@router.post("/me/close", response=CloseOut, summary="Close my ISSA access (AUTH-10)")
def close_my_access(request: HttpRequest) -> dict[str, Any]:
    """Closes access on every channel at once, this token included; only *141*3*6# with the
    SIM's PUK1 opens it again."""
    user = _user(request)
    subscriber = _subscriber(user)
    services.access_close_by_subscriber(subscriber=subscriber, actor=_actor(request, user), now=clock.now())
    denial = selectors.access_denial(subscriber=subscriber)
    return {"open": False, "message": denial.text() if denial else ""}


@router.get("/corporate", response=RoleOut, summary="My corporate role (AUTH-11)")
def my_role(request: HttpRequest) -> dict[str, Any]:
    role = _role(_user(request))
    return {
        "role": role.role,
        "role_name": str(role.get_role_display()),
        "client": role.client.name,
        "rights": role.effective_rights,
    }


@router.get("/corporate/numbers", response=list[NumberOut], summary="The client's numbers with their access")
def corporate_numbers(request: HttpRequest, filters: Query[NumbersFilter]) -> list[dict[str, Any]]:
    role = _role(_user(request))
    numbers = selectors.corporate_numbers(
        role=role, search=filters.search, status=filters.status, access=filters.access
    )
    rows = []
    for s in numbers[filters.offset : filters.offset + filters.limit]:
        refusal = selectors.corporate_refusal(
            role=role,
            subscriber_id=s.pk,
            holder_is_administrator=s.holder_is_administrator,  # type: ignore[attr-defined]
        )
        rows.append(
            {
                "msisdn": s.msisdn,
                "name": s.user_name,
                "plan": s.plan.name,
                "status": s.status,
                "status_name": str(s.get_status_display()),
                "access_open": not s.access_closed,  # type: ignore[attr-defined]
                "access_reason": s.access_reason,  # type: ignore[attr-defined]
                "can_open": refusal is None and s.closed_by_corporate,  # type: ignore[attr-defined]
                "can_close": refusal is None and not s.access_closed,  # type: ignore[attr-defined]
            }
        )
    return rows


def _set(request: HttpRequest, msisdn: str, *, open: bool) -> dict[str, Any]:
    user = _user(request)
    role = _role(user)
    try:
        number = parse_msisdn(msisdn)
    except DomainError:
        raise DomainError("not_found", _("Not found."), kind=ErrorKind.NOT_FOUND) from None
    subscriber = selectors.corporate_number(role=role, msisdn=number)
    services.access_set_by_corporate(
        role=role, subscriber=subscriber, open=open, actor=_actor(request, user), now=clock.now()
    )
    state = selectors.access_state(subscriber=subscriber)
    return {"msisdn": subscriber.msisdn, "access_open": state.open, "reasons": state.reasons}


@router.post("/corporate/numbers/{msisdn}/close", response=NumberAccessOut, summary="Close a number's access")
def corporate_close(request: HttpRequest, msisdn: str) -> dict[str, Any]:
    return _set(request, msisdn, open=False)


@router.post("/corporate/numbers/{msisdn}/open", response=NumberAccessOut, summary="Open a number's access")
def corporate_open(request: HttpRequest, msisdn: str) -> dict[str, Any]:
    return _set(request, msisdn, open=True)
