"""/api/access: the state of my ISSA access, closing it, and the corporate cabinet: the list of the
client's numbers (with balances and spending where the role may see money), opening and closing
their access, and their services ordered TMF622-style (AUTH-10, AUTH-11).

Authentication: the identity app's bearer token (which asks ``access_denial`` on every request)
or the portal's session with its CSRF check (ninja's ``django_auth``; AccessGuardMiddleware ends a
session whose access was closed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from issa.core import clock
from issa.core.errors import DomainError, ErrorKind, not_found
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
    plan_code: str = ""
    status: str
    status_name: str
    access_open: bool
    access_reason: str | None = None
    can_open: bool = False
    can_close: bool = False
    # with the FINANCE right only (null otherwise): the account's balance (shared by
    # ``account_numbers`` of the client's numbers) and the number's charges this month, kopecks
    account: str | None = None
    account_numbers: int | None = None
    balance_kopecks: int | None = None
    spent_this_month_kopecks: int | None = None


class NumberAccessOut(Schema):
    msisdn: str
    access_open: bool
    reasons: list[str]


class NumbersFilter(Schema):
    search: str = ""
    status: str = ""
    access: str = ""
    plan: str = ""
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
        role=role, search=filters.search, status=filters.status, access=filters.access, plan=filters.plan
    )
    finance = selectors.corporate_may(role=role, right=CorporateRole.Right.FINANCE)
    if finance:
        numbers = selectors.with_money(numbers, now=clock.now())
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
                "plan_code": s.plan.code,
                "status": s.status,
                "status_name": str(s.get_status_display()),
                "access_open": not s.access_closed,  # type: ignore[attr-defined]
                "access_reason": s.access_reason,  # type: ignore[attr-defined]
                "can_open": refusal is None and s.closed_by_corporate,  # type: ignore[attr-defined]
                "can_close": refusal is None and not s.access_closed,  # type: ignore[attr-defined]
                **(
                    {
                        "account": s.account.number,
                        "account_numbers": s.account_numbers,  # type: ignore[attr-defined]
                        "balance_kopecks": s.balance,  # type: ignore[attr-defined]
                        "spent_this_month_kopecks": s.spent,  # type: ignore[attr-defined]
                    }
                    if finance
                    else {}
                ),
            }
        )
    return rows


def _number(role: CorporateRole, msisdn: str) -> Any:
    """One of the role's client's numbers, in any typed form; another client's: 404."""
    try:
        number = parse_msisdn(msisdn)
    except DomainError:
        raise not_found() from None
    return selectors.corporate_number(role=role, msisdn=number)


def _set(request: HttpRequest, msisdn: str, *, open: bool) -> dict[str, Any]:
    user = _user(request)
    role = _role(user)
    subscriber = _number(role, msisdn)
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


# --- the client's numbers' services (AUTH-11, SERVICES), shaped after TMF622 ----------------------

TMF_STATE = {
    "draft": "pending",
    "confirmed": "acknowledged",
    "in_progress": "inProgress",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
}
TMF_ITEM_ACTION = {"connect_service": "add", "disconnect_service": "delete"}


class CorporateOrderIn(Schema):
    action: str = Field(..., description="connect_service or disconnect_service")
    params: dict[str, Any] = Field(default_factory=dict, description='{"service": "<code>"}')
    confirm: bool = True


class CorporateOrderOut(Schema):
    id: str
    href: str
    state: str
    category: str
    description: str
    orderDate: datetime
    completionDate: datetime | None
    priceKopecks: int
    productOrderItem: list[dict[str, Any]]
    relatedParty: list[dict[str, Any]]
    note: list[dict[str, Any]]
    issaState: str
    issaAction: str


class ProductOut(Schema):
    id: str
    name: str
    status: str
    startDate: datetime
    productOffering: dict[str, Any]


def _session_key(request: HttpRequest) -> str:
    """A draft lives as long as the token (or the portal session) that made it (AUTH-9)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        from issa.identity.services.pending import api_session_key

        return api_session_key(token)
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _order_out(order: Any, role: CorporateRole) -> dict[str, Any]:
    service = order.params.get("service", "")
    href = f"/api/access/corporate/numbers/{order.subscriber.msisdn}/productOrder/{order.pk}"
    return {
        "id": str(order.pk),
        "href": href,
        "state": TMF_STATE.get(order.state, order.state),
        "category": "mobile",
        "description": order.title,
        "orderDate": order.created_at,
        "completionDate": order.completed_at,
        "priceKopecks": order.price,
        "productOrderItem": [
            {
                "id": "1",
                "action": TMF_ITEM_ACTION.get(order.action, "modify"),
                "state": TMF_STATE.get(order.state, order.state),
                "productOffering": {"id": service, "name": order.params.get("name") or service},
                "product": {"productCharacteristic": [{"name": "msisdn", "value": order.subscriber.msisdn}]},
            }
        ],
        "relatedParty": [
            {"role": "customer", "id": str(role.client_id), "name": role.client.name},
            {"role": role.role, "id": role.subscriber.msisdn},
        ],
        "note": [{"date": e.at, "state": e.state, "text": e.note} for e in order.events.all()],
        "issaState": order.state,
        "issaAction": order.action,
    }


@router.get(
    "/corporate/numbers/{msisdn}/product",
    response=list[ProductOut],
    summary="Services active on one of the client's numbers (TMF637)",
)
def corporate_products(request: HttpRequest, msisdn: str) -> list[dict[str, Any]]:
    from issa.orders.selectors import active_products

    role = _role(_user(request))
    subscriber = _number(role, msisdn)
    return [
        {
            "id": f"product-{p.pk}",
            "name": p.service.name,
            "status": "active",
            "startDate": p.active_from,
            "productOffering": {"id": p.service.code, "name": p.service.name, "@referredType": p.service.kind},
        }
        for p in active_products(subscriber=subscriber, at=clock.now())
    ]


@router.post(
    "/corporate/numbers/{msisdn}/productOrder",
    response={201: CorporateOrderOut},
    summary="Connect or disconnect a service of one of the client's numbers (TMF622)",
)
def corporate_order_create(request: HttpRequest, msisdn: str, body: CorporateOrderIn) -> Any:
    """The client's own order, through the same orders services as the subscriber's; confirmed at
    once unless ``confirm`` is false (then ``…/productOrder/{id}/confirm`` while the token lives)."""
    user = _user(request)
    role = _role(user)
    subscriber = _number(role, msisdn)
    order = services.corporate_order_submit(
        role=role,
        subscriber=subscriber,
        action=body.action,
        params=body.params,
        actor=_actor(request, user),
        now=clock.now(),
        session_key=None if body.confirm else _session_key(request),
    )
    order.refresh_from_db()
    return Status(201, _order_out(order, role))


@router.get("/corporate/numbers/{msisdn}/productOrder/{order_id}", response=CorporateOrderOut, summary="One order")
def corporate_order_get(request: HttpRequest, msisdn: str, order_id: int) -> dict[str, Any]:
    role = _role(_user(request))
    subscriber = _number(role, msisdn)
    return _order_out(services.corporate_order(role=role, subscriber=subscriber, order_id=order_id), role)


@router.post(
    "/corporate/numbers/{msisdn}/productOrder/{order_id}/confirm",
    response=CorporateOrderOut,
    summary="Confirm a draft order",
)
def corporate_order_confirm(request: HttpRequest, msisdn: str, order_id: int) -> dict[str, Any]:
    user = _user(request)
    role = _role(user)
    subscriber = _number(role, msisdn)
    order = services.corporate_order_confirm(
        role=role,
        subscriber=subscriber,
        order_id=order_id,
        actor=_actor(request, user),
        now=clock.now(),
        session_key=_session_key(request),
    )
    order.refresh_from_db()
    return _order_out(order, role)
