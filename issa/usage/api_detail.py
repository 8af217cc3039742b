"""/api/usage: call and SMS detail (BILL-3) and internet statistics (STAT-1..4), shaped after
TMF635 Usage (``usageDate``, ``usageType``, ``status``, ``usageCharacteristic``,
``ratedProductUsage``); money as TMF ``{unit, value}`` (decimal string) and as int kopecks.

The detail needs the step-up first: ``POST /api/usage/stepUp`` without a code sends the SMS
M-code (or answers ``method: puk1`` for a tablet or modem); with the code it grants the pass. The
pass lives as long as the portal session, or — for a bearer token — as long as that token (kept
in the cache under the token's id, at most a day). Only the caller's own subscriber; the 1st–3rd
closed (BILL-4).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from issa.billing.api import _auths, _user
from issa.billing.bills import bills_window_check
from issa.core import clock
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import to_roubles
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

from .detail import (
    PAGE_SIZE,
    detail_page,
    detail_query,
    detail_totals,
    step_up_start,
    step_up_uses_puk,
    step_up_verify,
)
from .stats import stat_request

router = Router(tags=["usage"], auth=_auths())

SESSION_KEY = "issa_detail_stepup"  # the same key as the portal (issa/portal/views/detail.py)
PASS_TTL = 24 * 3600


def _subscriber(request: HttpRequest) -> Subscriber:
    user = _user(request) or request.user
    subscriber_id = getattr(user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.get(pk=subscriber_id)


def _token_key(request: HttpRequest) -> str | None:
    token = getattr(request, "api_token", None)
    return f"issa:detail-pass:{token.pk}" if token is not None else None


def _has_pass(request: HttpRequest, subscriber: Subscriber) -> bool:
    key = _token_key(request)
    if key:
        return cache.get(key) == subscriber.pk
    return request.session.get(SESSION_KEY) == subscriber.pk


def _grant(request: HttpRequest, subscriber: Subscriber) -> None:
    key = _token_key(request)
    if key:
        cache.set(key, subscriber.pk, PASS_TTL)
    else:
        request.session[SESSION_KEY] = subscriber.pk


class StepUpIn(Schema):
    code: str = ""


class StepUpOut(Schema):
    method: str
    granted: bool


@router.post("/stepUp", response=StepUpOut, summary="Step-up for the call detail (M-code or PUK1)")
def step_up(request: HttpRequest, payload: StepUpIn) -> dict[str, Any]:
    now = clock.now()
    bills_window_check(now=now)
    subscriber = _subscriber(request)
    actor = Actor.from_request(request)
    if not payload.code:
        return {"method": step_up_start(subscriber=subscriber, actor=actor, now=now), "granted": False}
    step_up_verify(subscriber=subscriber, code=payload.code, actor=actor, now=now)
    _grant(request, subscriber)
    method = "puk1" if step_up_uses_puk(subscriber) else "smsCode"
    return {"method": method, "granted": True}


def _money(kopecks: int) -> dict[str, str]:
    return {"unit": "BYN", "value": str(to_roubles(kopecks))}


@router.get("", summary="Call and SMS detail (TMF635 Usage)")
def usage_list(
    request: HttpRequest,
    period: str,
    kind: str,
    direction: str,
    number: str = "",
    after: str = "",
    limit: int = PAGE_SIZE,
) -> dict[str, Any]:
    now = clock.now()
    bills_window_check(now=now)
    subscriber = _subscriber(request)
    query = detail_query({"period": period, "kind": kind, "direction": direction, "number": number}, now=now)
    if not _has_pass(request, subscriber):
        raise DomainError(
            "step_up_required",
            _("Additional authentication is needed: POST /api/usage/stepUp."),
            kind=ErrorKind.FORBIDDEN,
        )
    rows, cursor = detail_page(subscriber_id=subscriber.pk, query=query, now=now, after=after, size=limit)
    totals = detail_totals(subscriber_id=subscriber.pk, query=query, now=now)
    return {
        "usage": [
            {
                "id": row.record_id,
                "usageDate": row.start_time.isoformat(),
                "usageType": row.kind,
                "status": "rated",
                "usageCharacteristic": [
                    {"name": "direction", "value": query.direction},
                    {"name": "otherParty", "value": row.other_party},
                    {"name": "zone", "value": row.destination},
                    {"name": "duration", "value": row.duration},
                    {"name": "quantity", "value": row.quantity},
                ],
                "ratedProductUsage": [{"taxIncludedRatingAmount": _money(row.charge), "amount_kopecks": row.charge}],
            }
            for row in rows
        ],
        "totals": {
            "count": totals.count,
            "duration": totals.duration,
            "pieces": totals.pieces,
            "charge": _money(totals.charge),
            "charge_kopecks": totals.charge,
        },
        "next": cursor or None,
    }


@router.get("/statistics", summary="Internet statistics for one day (STAT-1..4)")
def statistics(request: HttpRequest, day: str) -> dict[str, Any]:
    subscriber = _subscriber(request)
    chosen, rows, left = stat_request(subscriber_id=subscriber.pk, raw_day=day, now=clock.now())
    return {
        "day": chosen.isoformat(),
        "requestsLeftToday": left,
        "services": [
            {
                "service": row.service,
                "domains": row.domains,
                "incomingBytes": row.down_bytes,
                "outgoingBytes": row.up_bytes,
                "totalBytes": row.total,
            }
            for row in rows
        ],
    }
