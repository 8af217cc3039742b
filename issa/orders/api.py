"""/api/orders: orders and the product inventory, shaped after TM Forum TMF622 (Product Ordering)
and TMF637 (Product Inventory). The same services as the portal; everything is read through the
caller's own subscriber (another's order id answers 404).

ISSA's order actions are the ``productOrderItem.action`` of TMF plus ours: the request names
``action`` (``change_plan``, ``connect_service``, …) and its ``params``. An order made through the
API is confirmed at once (the app asks its user before it calls) unless ``confirm`` is false; a
draft is then confirmed with ``POST /productOrder/{id}/confirm`` while the token lives (AUTH-9).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from issa.core import clock
from issa.core.errors import not_found
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

from . import selectors as sel
from .models import Order
from .services import order_cancel, order_confirm, order_submit, own_order


def _auths() -> list[Any]:
    try:
        from issa.identity.api import bearer
    except ImportError:
        return [django_auth]
    return [bearer, django_auth]


router = Router(tags=["orders"], auth=_auths())

# ISSA state → TMF622 ProductOrderStateType
TMF_STATE = {
    Order.State.DRAFT: "pending",
    Order.State.CONFIRMED: "acknowledged",
    Order.State.IN_PROGRESS: "inProgress",
    Order.State.COMPLETED: "completed",
    Order.State.FAILED: "failed",
    Order.State.CANCELLED: "cancelled",
}
TMF_ITEM_ACTION = {
    "connect_service": "add",
    "favourite_set": "modify",
    "disconnect_service": "delete",
    "favourite_cancel": "delete",
    "pause": "modify",
    "restore": "modify",
}


class OrderIn(Schema):
    action: str
    params: dict[str, Any] = {}
    confirm: bool = True


class NoteOut(Schema):
    date: datetime
    state: str
    text: str


class OrderItemOut(Schema):
    id: str
    action: str
    state: str
    productOffering: dict[str, Any]


class ProductOrderOut(Schema):
    id: str
    href: str
    state: str
    category: str
    description: str
    orderDate: datetime
    requestedStartDate: datetime | None
    completionDate: datetime | None
    priceKopecks: int
    productOrderItem: list[OrderItemOut]
    note: list[NoteOut]
    issaState: str
    issaAction: str


class ProductOut(Schema):
    id: str
    name: str
    status: str
    startDate: datetime
    productOffering: dict[str, Any]
    productCharacteristic: list[dict[str, Any]]
    isBundle: bool = False


def _user(request: HttpRequest) -> Any:
    """The bearer token's user (``BearerAuth`` sets ``request.user``) or the portal session's."""
    return request.user


def _subscriber(request: HttpRequest) -> Subscriber:
    user = _user(request) or request.user
    subscriber_id = getattr(user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account").get(pk=subscriber_id)


def _actor(request: HttpRequest) -> Actor:
    actor = Actor.from_request(request, channel="api")
    user = _user(request)
    if user is not None and actor.user is None:
        actor = Actor(channel="api", user=user, ip=actor.ip, user_agent=actor.user_agent)
    return actor


def _session_key(request: HttpRequest) -> str:
    """A draft lives as long as the token (or the portal session) that made it (AUTH-9)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        from issa.identity.services.pending import api_session_key

        return api_session_key(token)
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _out(request: HttpRequest, order: Order) -> dict[str, Any]:
    offering = order.params.get("service") or order.params.get("plan") or order.action
    return {
        "id": str(order.pk),
        "href": f"/api/orders/productOrder/{order.pk}",
        "state": TMF_STATE[Order.State(order.state)],
        "category": "mobile",
        "description": order.title,
        "orderDate": order.created_at,
        "requestedStartDate": order.scheduled_for,
        "completionDate": order.completed_at,
        "priceKopecks": order.price,
        "productOrderItem": [
            {
                "id": "1",
                "action": TMF_ITEM_ACTION.get(order.action, "modify"),
                "state": TMF_STATE[Order.State(order.state)],
                "productOffering": {
                    "id": str(offering),
                    "name": order.params.get("name") or order.params.get("plan_name") or str(offering),
                },
            }
        ],
        "note": [{"date": e.at, "state": e.state, "text": e.note} for e in order.events.all()],
        "issaState": order.state,
        "issaAction": order.action,
    }


@router.get("/productOrder", response=list[ProductOrderOut], summary="My orders (TMF622, SVC-3)")
def orders_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    limit = max(1, min(limit, 200))
    qs = sel.orders_of(subscriber=subscriber).prefetch_related("events")[offset : offset + limit]
    return [_out(request, o) for o in qs]


@router.post("/productOrder", response={201: ProductOrderOut}, summary="Place an order (TMF622, BSS-6)")
def orders_create(request: HttpRequest, body: OrderIn) -> Any:
    order = order_submit(
        subscriber=_subscriber(request),
        action=body.action,
        params=body.params,
        actor=_actor(request),
        now=clock.now(),
        session_key=None if body.confirm else _session_key(request),
    )
    order.refresh_from_db()
    return Status(201, _out(request, order))


@router.get("/productOrder/{order_id}", response=ProductOrderOut, summary="One order with its history")
def orders_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return _out(request, own_order(subscriber=_subscriber(request), order_id=order_id))


@router.post("/productOrder/{order_id}/confirm", response=ProductOrderOut, summary="Confirm a draft order")
def orders_confirm(request: HttpRequest, order_id: int) -> dict[str, Any]:
    subscriber = _subscriber(request)
    order = order_confirm(
        subscriber=subscriber,
        order_id=order_id,
        actor=_actor(request),
        now=clock.now(),
        session_key=_session_key(request),
    )
    order.refresh_from_db()
    return _out(request, order)


@router.post("/productOrder/{order_id}/cancel", response=ProductOrderOut, summary="Cancel an order not yet started")
def orders_cancel(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = order_cancel(subscriber=_subscriber(request), order_id=order_id, actor=_actor(request), now=clock.now())
    return _out(request, order)


@router.get("/product", response=list[ProductOut], summary="What is active on my number (TMF637)")
def inventory(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    now = clock.now()
    from issa.subscribers.models import PlanPeriod

    period = PlanPeriod.objects.filter(subscriber=subscriber, valid_to__isnull=True).order_by("-valid_from").first()
    paused = sel.is_paused(subscriber=subscriber, at=now)
    rows: list[dict[str, Any]] = [
        {
            "id": f"plan-{period.pk if period else 0}",
            "name": subscriber.plan.name,
            "status": "suspended" if paused else "active",
            "startDate": period.valid_from if period else now,
            "productOffering": {
                "id": subscriber.plan.code,
                "name": subscriber.plan.name,
                "@referredType": "TariffPlan",
            },
            "productCharacteristic": [{"name": "msisdn", "value": subscriber.msisdn}],
        }
    ]
    rows.extend(
        {
            "id": f"product-{product.pk}",
            "name": product.service.name,
            "status": "active",
            "startDate": product.active_from,
            "productOffering": {
                "id": product.service.code,
                "name": product.service.name,
                "@referredType": product.service.kind,
            },
            "productCharacteristic": [{"name": k, "value": v} for k, v in sorted((product.settings or {}).items())],
        }
        for product in sel.active_products(subscriber=subscriber, at=now)
    )
    return rows
