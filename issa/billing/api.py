"""/api/me: the subscriber's own information (INFO-2, INFO-3) and SIM codes (INFO-4).

The same selectors as the portal page. Authentication: the identity app's bearer token or the
portal's session (with its CSRF check on POST). Everything is read through the caller's own
subscriber; no id is ever taken from the request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.security import django_auth

from issa.core import clock
from issa.core.errors import not_found
from issa.identity.actor import Actor, client_ip
from issa.subscribers.models import Subscriber
from issa.subscribers.services import sim_reveal_codes

from .info import additional_info, personal_info


def _auths() -> list[Any]:
    try:
        from issa.identity.api import bearer
    except ImportError:  # the identity API not installed: the session only
        return [django_auth]
    return [bearer, django_auth]


router = Router(tags=["me"], auth=_auths())


class AllowanceOut(Schema):
    kind: str
    kind_label: str
    source: str
    total: int
    used: int
    remaining: int
    unit: str
    promotional: bool


class PersonalOut(Schema):
    msisdn: str
    name: str
    plan: str
    benefits: list[str]
    balance_kopecks: int
    balance: str
    payment_method: str
    payment_method_label: str
    status: str
    status_label: str
    paused: bool
    registered_at: datetime | None
    last_login_at: datetime | None
    allowances: list[AllowanceOut]


class AdditionalOut(Schema):
    client_id: int
    account_number: str
    account_opened_on: date
    previous_period: str
    previous_period_charges_kopecks: int
    previous_period_charges: str
    promotional: list[AllowanceOut]
    payment_form: str
    ip: str | None


class CodesOut(Schema):
    pin1: str
    puk1: str
    pin2: str
    puk2: str


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return getattr(auth, "user", None) if not getattr(auth, "is_authenticated", False) else auth


def _subscriber(request: HttpRequest) -> Subscriber:
    user = _user(request) or request.user
    subscriber_id = getattr(user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account__client").get(pk=subscriber_id)


def _allowances(lines: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "kind": line.kind,
            "kind_label": line.kind_label,
            "source": line.source,
            "total": line.total,
            "used": line.used,
            "remaining": line.remaining,
            "unit": line.unit,
            "promotional": line.promotional,
        }
        for line in lines
    ]


@router.get("/info", response=PersonalOut, summary="Personal information (INFO-2)")
def info(request: HttpRequest) -> dict[str, Any]:
    subscriber = _subscriber(request)
    data = personal_info(subscriber=subscriber, user=_user(request) or request.user, now=clock.now())
    return {
        **{k: getattr(data, k) for k in PersonalOut.model_fields if hasattr(data, k)},
        "balance_kopecks": data.balance,
        "balance": data.balance_display,
        "allowances": _allowances(data.allowances),
    }


@router.get("/info/more", response=AdditionalOut, summary="Additional information (INFO-3)")
def info_more(request: HttpRequest) -> dict[str, Any]:
    data = additional_info(subscriber=_subscriber(request), now=clock.now(), ip=client_ip(request))
    return {
        **{k: getattr(data, k) for k in AdditionalOut.model_fields if hasattr(data, k)},
        "previous_period_charges_kopecks": data.previous_period_charges,
        "previous_period_charges": data.charges_display,
        "promotional": _allowances(data.promotional),
    }


@router.post("/pin-puk", response=CodesOut, summary="PIN1, PUK1, PIN2, PUK2 of my SIM (INFO-4, audited)")
def pin_puk(request: HttpRequest, response: HttpResponse) -> dict[str, str]:
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["Pragma"] = "no-cache"
    return sim_reveal_codes(
        subscriber=_subscriber(request), actor=Actor.from_request(request, channel="api"), now=clock.now()
    )
