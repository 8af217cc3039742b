"""/api/payments: card top-up (FIN-5), its state, my payments, express card (FIN-4).

Authentication as /api/me (bearer token or the portal session). Payments are read through the
caller: another's payment id answers 404. The API never takes a card number: a created top-up
answers the acquirer's hosted page URL to open in a browser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from issa.billing.api import _auths, _subscriber, _user
from issa.billing.selectors import account_balance
from issa.core import clock
from issa.core.errors import not_found
from issa.identity.actor import Actor

from . import selectors
from .models import Payment
from .services import express_card_redeem, payment_create, payment_handoff

router = Router(tags=["payments"], auth=_auths())


class TopUpIn(Schema):
    amount_kopecks: int
    msisdn: str | None = None
    save_card: bool = False


class PaymentOut(Schema):
    id: UUID
    msisdn: str
    amount_kopecks: int
    currency: str
    state: str
    source: str
    created_at: datetime
    paid_at: datetime | None
    receipt: str | None
    payment_url: str | None = None


class RedeemIn(Schema):
    code: str


class RedeemOut(Schema):
    amount_kopecks: int
    card_last4: str
    balance_kopecks: int


def _out(payment: Payment, url: str | None = None) -> dict[str, Any]:
    receipt = getattr(payment, "receipt", None)
    return {
        "id": payment.public_id,
        "msisdn": payment.msisdn,
        "amount_kopecks": payment.amount,
        "currency": payment.currency,
        "state": payment.state,
        "source": payment.source,
        "created_at": payment.created_at,
        "paid_at": payment.paid_at,
        "receipt": receipt.number if receipt else None,
        "payment_url": url,
    }


def _caller(request: HttpRequest) -> Any:
    return _user(request) or request.user


@router.post("/topups", response={201: PaymentOut}, summary="Start a card top-up (FIN-5)")
def topup_create(request: HttpRequest, data: TopUpIn) -> Status[dict[str, Any]]:
    subscriber = _subscriber(request)
    actor, now = Actor.from_request(request, channel="api"), clock.now()
    payment = payment_create(
        payer=_caller(request),
        msisdn=data.msisdn or subscriber.msisdn,
        amount=data.amount_kopecks,
        save_card=data.save_card,
        actor=actor,
        now=now,
    )
    url = payment_handoff(payment=payment, actor=actor, now=now)
    payment.refresh_from_db()
    return Status(201, _out(payment, url))


@router.get("/topups", response=list[PaymentOut], summary="My card payments")
def topup_list(request: HttpRequest) -> list[dict[str, Any]]:
    _subscriber(request)
    return [_out(p) for p in selectors.payments_of(user=_caller(request))[:100]]


@router.get("/topups/{payment_id}", response=PaymentOut, summary="State of my card payment")
def topup_state(request: HttpRequest, payment_id: UUID) -> dict[str, Any]:
    payment = selectors.payment_of(user=_caller(request), public_id=payment_id)
    if payment is None:
        raise not_found()
    return _out(payment)


@router.post("/express", response=RedeemOut, summary="Pay with an express card (FIN-4)")
def express_redeem(request: HttpRequest, data: RedeemIn) -> dict[str, Any]:
    subscriber = _subscriber(request)
    card, _entry = express_card_redeem(
        subscriber=subscriber, code=data.code, actor=Actor.from_request(request, channel="api"), now=clock.now()
    )
    return {
        "amount_kopecks": card.face_value,
        "card_last4": card.last4,
        "balance_kopecks": account_balance(account_id=subscriber.account_id),
    }
