"""/api/finance: payment history (FIN-1), installments (FIN-2), promised payments (FIN-3) and
refund requests (FIN-6) for the mobile app. The same services as the portal.

Authentication: the identity bearer token or the portal session (with CSRF on POST). Steps with a
confirmation answer a ``request_id``; ``POST /requests/{id}/confirm`` or ``/cancel`` ends them.
With a token the request lives as long as the token (``api_session_key``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from issa.billing.selectors import account_balance
from issa.core import clock
from issa.core.errors import DomainError, not_found
from issa.core.money import format_byn, parse_roubles
from issa.identity.actor import Actor
from issa.identity.models import PendingRequest
from issa.subscribers.models import Subscriber

from . import selectors, services
from .services.installments import PENDING_KIND as EARLY_KIND
from .services.promised import PENDING_KIND as PROMISED_KIND


def _auths() -> list[Any]:
    try:
        from issa.identity.api import bearer
    except ImportError:  # pragma: no cover - identity API not installed
        return [django_auth]
    return [bearer, django_auth]


router = Router(tags=["finance"], auth=_auths())


def _user(request: HttpRequest) -> Any:
    token = getattr(request, "api_token", None)
    return token.user if token is not None else request.user


def _subscriber(request: HttpRequest) -> Subscriber:
    subscriber_id = getattr(_user(request), "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account").get(pk=subscriber_id)


def _session_key(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    if token is not None:
        from issa.identity.services.pending import api_session_key

        return api_session_key(token)
    return str(request.session.session_key or "")


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")  # the bearer auth sets request.user


class PaymentOut(Schema):
    id: int
    at: datetime
    amount_kopecks: int
    amount: str
    source: str
    source_label: str


class HistoryOut(Schema):
    since: datetime
    payments: list[PaymentOut]


@router.get("/history", response=HistoryOut, summary="Payment history for the last 2 months (FIN-1)")
def history(request: HttpRequest) -> dict[str, Any]:
    subscriber = _subscriber(request)
    now = clock.now()
    lines = selectors.payment_history(account_id=subscriber.account_id, now=now)
    return {
        "since": selectors.history_since(now),
        "payments": [
            {
                "id": line.id,
                "at": line.at,
                "amount_kopecks": line.amount,
                "amount": format_byn(line.amount),
                "source": line.source,
                "source_label": line.source_label,
            }
            for line in lines
        ],
    }


class PlanOut(Schema):
    id: int
    device: str
    state: str
    total_kopecks: int
    monthly_kopecks: int
    payments_count: int
    payments_left: int
    left_kopecks: int
    next_due: date | None
    payoff_date: date


@router.get("/installments", response=list[PlanOut], summary="Installment plans (FIN-2)")
def installments(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    return [
        {
            "id": v.plan.pk,
            "device": v.plan.device_name,
            "state": v.plan.state,
            "total_kopecks": v.plan.total,
            "monthly_kopecks": v.plan.monthly_amount,
            "payments_count": v.plan.payments_count,
            "payments_left": v.left_count,
            "left_kopecks": v.left_amount,
            "next_due": v.next_due,
            "payoff_date": v.payoff_date,
        }
        for v in services.installment_plans(account_id=subscriber.account_id)
    ]


class EarlyIn(Schema):
    count: int


class PendingOut(Schema):
    request_id: int
    kind: str
    amount_kopecks: int
    expires_at: datetime


@router.post("/installments/{plan_id}/early", response={202: PendingOut}, summary="Early write-off, step 1 (FIN-2)")
def installment_early(request: HttpRequest, plan_id: int, body: EarlyIn) -> Status[dict[str, Any]]:
    subscriber = _subscriber(request)
    req, amount = services.installment_early_start(
        subscriber=subscriber,
        user=_user(request),
        session_key=_session_key(request),
        plan_id=plan_id,
        count=body.count,
        actor=_actor(request),
        now=clock.now(),
    )
    return Status(202, {"request_id": req.pk, "kind": req.kind, "amount_kopecks": amount, "expires_at": req.expires_at})


class PromisedOut(Schema):
    id: int
    amount_kopecks: int
    state: str
    state_label: str
    created_at: datetime
    expires_at: datetime | None


def _promised_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "amount_kopecks": row.amount,
        "state": row.state,
        "state_label": str(row.get_state_display()),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
    }


@router.get("/promised", response=list[PromisedOut], summary="Unconfirmed (promised) payments (FIN-3)")
def promised_list(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    services.promised_sweep_awaiting(now=clock.now(), account_id=subscriber.account_id)
    return [_promised_out(row) for row in selectors.promised_payments(account_id=subscriber.account_id)]


class PromisedIn(Schema):
    amount: str  # roubles as people type them: "3", "2,50"


@router.post("/promised", response={202: PendingOut}, summary="Register a promised payment, step 1 (FIN-3)")
def promised_create(request: HttpRequest, body: PromisedIn) -> Status[dict[str, Any]]:
    subscriber = _subscriber(request)
    try:
        amount = parse_roubles(body.amount)
    except ValueError:
        raise DomainError("promised_amount", _("Enter the amount in roubles, e.g. 2,50."), field="amount") from None
    row = services.promised_start(
        subscriber=subscriber,
        user=_user(request),
        session_key=_session_key(request),
        amount=amount,
        actor=_actor(request),
        now=clock.now(),
    )
    req = PendingRequest.objects.get(pk=int(row.pending_request_id or 0))
    return Status(202, {"request_id": req.pk, "kind": req.kind, "amount_kopecks": amount, "expires_at": req.expires_at})


class DoneOut(Schema):
    kind: str
    state: str
    amount_kopecks: int
    balance_kopecks: int


def _own_request(request: HttpRequest, request_id: int) -> PendingRequest:
    req = PendingRequest.objects.filter(
        pk=request_id, user=_user(request), kind__in=[PROMISED_KIND, EARLY_KIND]
    ).first()
    if req is None:
        raise not_found()
    return req


@router.post("/requests/{request_id}/confirm", response=DoneOut, summary="Confirm a finance request (FIN-2, FIN-3)")
def request_confirm(request: HttpRequest, request_id: int) -> dict[str, Any]:
    subscriber = _subscriber(request)
    req = _own_request(request, request_id)
    common = {"subscriber": subscriber, "user": _user(request), "request_id": req.pk}
    now = clock.now()
    if req.kind == PROMISED_KIND:
        row = services.promised_confirm(**common, session_key=_session_key(request), actor=_actor(request), now=now)
        state, amount = row.state, row.amount
    else:
        amount = services.installment_early_confirm(
            **common, session_key=_session_key(request), actor=_actor(request), now=now
        )
        state = "paid"
    return {
        "kind": req.kind,
        "state": state,
        "amount_kopecks": amount,
        "balance_kopecks": account_balance(account_id=subscriber.account_id),
    }


@router.post("/requests/{request_id}/cancel", response=DoneOut, summary="Cancel a finance request (FIN-2, FIN-3)")
def request_cancel(request: HttpRequest, request_id: int) -> dict[str, Any]:
    subscriber = _subscriber(request)
    req = _own_request(request, request_id)
    now = clock.now()
    if req.kind == PROMISED_KIND:
        row = services.promised_cancel(
            subscriber=subscriber, user=_user(request), request_id=req.pk, actor=_actor(request), now=now
        )
        state, amount = row.state, row.amount
    else:
        services.installment_early_cancel(user=_user(request), request_id=req.pk, actor=_actor(request), now=now)
        state, amount = "cancelled", int(req.payload.get("amount", 0))
    return {
        "kind": req.kind,
        "state": state,
        "amount_kopecks": amount,
        "balance_kopecks": account_balance(account_id=subscriber.account_id),
    }


class RefundPaymentOut(Schema):
    id: int
    at: datetime
    amount_kopecks: int


class RefundOut(Schema):
    id: int
    payment_id: int
    amount_kopecks: int
    right_number: str
    state: str
    state_label: str
    submitted_at: datetime
    due_on: date
    reason: str


def _refund_out(req: Any) -> dict[str, Any]:
    return {
        "id": req.pk,
        "payment_id": req.payment_id,
        "amount_kopecks": req.amount,
        "right_number": req.right_msisdn,
        "state": req.state,
        "state_label": str(req.get_state_display()),
        "submitted_at": req.submitted_at,
        "due_on": req.due_on,
        "reason": req.reason,
    }


@router.get("/refunds/payments", response=list[RefundPaymentOut], summary="Payments a refund may be asked for (FIN-6)")
def refund_payments(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    return [
        {"id": p.pk, "at": p.effective_at, "amount_kopecks": p.amount}
        for p in services.refundable_payments(account_id=subscriber.account_id, now=clock.now())
    ]


@router.get("/refunds", response=list[RefundOut], summary="Refund requests and their state (FIN-6)")
def refund_list(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    return [_refund_out(r) for r in services.refund_requests(account_id=subscriber.account_id)]


class RefundIn(Schema):
    payment_id: int
    right_number: str


@router.post("/refunds", response={201: RefundOut}, summary="Ask to refund an erroneous payment (FIN-6)")
def refund_create(request: HttpRequest, body: RefundIn) -> Status[dict[str, Any]]:
    subscriber = _subscriber(request)
    req = services.refund_request_create(
        subscriber=subscriber,
        payment_id=body.payment_id,
        right_number=body.right_number,
        actor=_actor(request),
        now=clock.now(),
    )
    return Status(201, _refund_out(req))
