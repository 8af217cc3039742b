"""/api/numbers: the number pool for a change of number (SVC-6) and the state of the number's
features (SVC-11, SVC-12). The same selectors and services as the portal.

Changes are orders: ``POST /api/orders/productOrder`` with ``action`` ``change_number``
(``{"msisdn": …}``, after a reservation here), ``forwarding_set`` / ``forwarding_cancel``,
``voicemail_connect`` / ``voicemail_disconnect`` / ``voicemail_email_set`` /
``voicemail_email_cancel`` and ``settings_send`` (``{"kinds": [...]}``).
Authentication: the identity app's bearer token or the portal's session; everything is read
through the caller's own subscriber.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from issa.core import clock
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

from . import features, selectors, services
from .models import PoolNumber
from .patterns import parse_mask


def _auths() -> list[Any]:
    try:
        from issa.identity.api import bearer
    except ImportError:  # the identity API not installed: the session only
        return [django_auth]
    return [bearer, django_auth]


router = Router(tags=["numbers"], auth=_auths())


class CategoryOut(Schema):
    code: str
    name: str
    price_kopecks: int


class NumberOut(Schema):
    msisdn: str
    display: str
    category: str
    category_name: str
    price_kopecks: int


class NumbersOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[NumberOut]


class ReservationIn(Schema):
    msisdn: str


class ReservationOut(NumberOut):
    reserved_until: datetime


class ForwardingOut(Schema):
    conditions: dict[str, str]


class VoicemailOut(Schema):
    connected: bool
    email: str


def _subscriber(request: HttpRequest) -> Subscriber:
    """The caller's own subscriber (the bearer auth sets ``request.user`` as the session does)."""
    subscriber_id = getattr(request.user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account__client").get(pk=subscriber_id)


def _number(row: PoolNumber) -> dict[str, Any]:
    return {
        "msisdn": row.msisdn,
        "display": str(row),
        "category": row.category.code,
        "category_name": row.category.name,
        "price_kopecks": selectors.category_price_kopecks(row.category),
    }


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")


@router.get("/categories", response=list[CategoryOut], summary="Number categories and prices (SVC-6)")
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "name": c.name, "price_kopecks": selectors.category_price_kopecks(c)}
        for c in selectors.categories()
    ]


@router.get("", response=NumbersOut, summary="Offered numbers, by mask (% = any digit) and category (SVC-6)")
def numbers(
    request: HttpRequest, mask: str = "", category: str = "", limit: int = 20, offset: int = 0
) -> dict[str, Any]:
    _subscriber(request)
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    found = selectors.numbers_offered(
        now=clock.now(), category=category.strip() or None, mask=parse_mask(mask) if mask.strip() else None
    )
    rows = list(found[offset : offset + limit])
    return {"total": found.count(), "limit": limit, "offset": offset, "items": [_number(r) for r in rows]}


def _reservation(row: PoolNumber) -> dict[str, Any]:
    return {**_number(row), "reserved_until": row.reserved_until}


@router.get("/reservation", response=ReservationOut, summary="My reserved number, if any")
def reservation(request: HttpRequest) -> dict[str, Any]:
    row = selectors.reservation_of(subscriber_id=_subscriber(request).pk, now=clock.now())
    if row is None:
        raise DomainError("no_reservation", _("No number is reserved."), kind=ErrorKind.NOT_FOUND)
    return _reservation(row)


@router.post("/reservation", response=ReservationOut, summary="Reserve a number for a short time (SVC-6)")
def reserve(request: HttpRequest, body: ReservationIn) -> dict[str, Any]:
    row = services.number_reserve(
        subscriber=_subscriber(request), msisdn=body.msisdn, actor=_actor(request), now=clock.now()
    )
    return _reservation(row)


@router.delete("/reservation/{msisdn}", response={204: None}, summary="Give up my reservation")
def release(request: HttpRequest, msisdn: str) -> Status[None]:
    services.number_release(subscriber=_subscriber(request), msisdn=msisdn, actor=_actor(request), now=clock.now())
    return Status(204, None)


@router.get("/forwarding", response=ForwardingOut, summary="Call forwarding now (SVC-11)")
def forwarding(request: HttpRequest) -> dict[str, Any]:
    return {"conditions": features.forwarding_state(subscriber=_subscriber(request), now=clock.now())}


@router.get("/voicemail", response=VoicemailOut, summary="Voicemail «Плюс» now (SVC-12)")
def voicemail(request: HttpRequest) -> dict[str, Any]:
    return features.voicemail_state(subscriber=_subscriber(request), now=clock.now())
