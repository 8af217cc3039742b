"""Refund of an erroneous payment (FIN-6).

The subscriber whose number received a payment meant for another number picks that payment and
gives the right number. Allowed only within the four limits (``REFUND_MAX`` BYN, ``REFUND_DAYS``
days, the right number differs from the wrong one in at most ``REFUND_MAX_DIGITS_DIFFERENT``
digits, and for the brand "ПРИВЕТ" the money still unspent when the request is processed);
otherwise the seed's message sends the user to a sales centre. Staff review within
``REFUND_REVIEW_WORKING_DAYS`` working days (``workdays``); approval moves the money in one
transaction (two ledger entries ``fin6:refund:<id>:debit`` / ``:credit``); the result goes by SMS.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.billing.services import ledger_post
from issa.core import clock, rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import format_byn, to_kopecks
from issa.core.phone import format_msisdn, parse_msisdn
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import sms_send
from issa.subscribers.models import Subscriber

from ..models import RefundRequest
from .common import guard, lock_account
from .workdays import add_working_days

State = RefundRequest.State
BRAND_UNSPENT = "ПРИВЕТ"

SALES_CENTRE = _(
    "A refund is not possible here. Please contact a velcom sales centre (if the erroneous payment was "
    "credited to a velcom/ПРИВЕТ number) or a sales centre of the operator that received the "
    "erroneous payment (its details are on the receipt)."
)


def refused(reason: str) -> DomainError:
    """Every refusal carries the seed's message; ``reason`` names the limit for programs."""
    return DomainError("refund_not_allowed", SALES_CENTRE, kind=ErrorKind.CONFLICT, reason=reason)


def digits_different(wrong: str, right: str) -> int | None:
    """Digit-wise differences of two numbers of the same length (None when lengths differ)."""
    if len(wrong) != len(right):
        return None
    return sum(1 for a, b in zip(wrong, right, strict=True) if a != b)


def refundable_payments(*, account_id: int, now: datetime) -> list[LedgerEntry]:
    """Payments of the account within the days limit with no live refund request."""
    since = now - timedelta(days=int(rules.get("REFUND_DAYS")))
    taken = RefundRequest.objects.exclude(state=State.REJECTED).values("payment_id")
    return list(
        LedgerEntry.objects.filter(
            account_id=account_id, kind=LedgerEntry.Kind.PAYMENT, amount__gt=0, effective_at__gte=since
        )
        .exclude(pk__in=taken)
        .order_by("-effective_at", "-id")[:20]
    )


def _unspent(*, subscriber: Any, account_id: int, amount: int) -> bool:
    """For the brand ПРИВЕТ: the balance still holds the whole amount."""
    if (subscriber.plan.brand or "").strip().upper() != BRAND_UNSPENT:
        return True
    return account_balance(account_id=account_id) >= amount


def refund_request_create(
    *, subscriber: Any, payment_id: int, right_number: str, actor: Actor, now: datetime
) -> RefundRequest:
    """Check the four limits and file the request; due in N working days."""
    payment = LedgerEntry.objects.filter(
        pk=payment_id, account_id=subscriber.account_id, kind=LedgerEntry.Kind.PAYMENT, amount__gt=0
    ).first()
    if payment is None:
        raise not_found()
    try:
        right = parse_msisdn(right_number)
    except DomainError:
        raise DomainError(
            "refund_right_number", _("Enter the right number, e.g. +375 29 123-45-67."), field="right_number"
        ) from None
    if right == subscriber.msisdn:
        raise DomainError("refund_same_number", _("The right number must differ from this one."), field="right_number")
    if payment.amount > to_kopecks(rules.get("REFUND_MAX")):
        raise refused("amount")
    if now - payment.effective_at > timedelta(days=int(rules.get("REFUND_DAYS"))):
        raise refused("days")
    differ = digits_different(subscriber.msisdn, right)
    if differ is None or differ > int(rules.get("REFUND_MAX_DIGITS_DIFFERENT")):
        raise refused("digits")
    target = (
        Subscriber.objects.select_related("account")
        .exclude(status=Subscriber.Status.CLOSED)
        .filter(msisdn=right)
        .first()
    )
    if target is None:
        raise refused("other_operator")
    if not _unspent(subscriber=subscriber, account_id=subscriber.account_id, amount=payment.amount):
        raise refused("spent")
    submitted_day = clock.local_date(now)
    try:
        with transaction.atomic():
            request = RefundRequest.objects.create(
                account_id=subscriber.account_id,
                subscriber=subscriber,
                payment=payment,
                amount=payment.amount,
                wrong_msisdn=subscriber.msisdn,
                right_msisdn=right,
                right_account=target.account,
                submitted_at=now,
                due_on=add_working_days(submitted_day, int(rules.get("REFUND_REVIEW_WORKING_DAYS"))),
            )
            audit_record(
                actor=actor,
                action="finance.refund_requested",
                now=now,
                subscriber=subscriber,
                obj=request,
                details={"payment_id": payment.pk, "amount": payment.amount, "right": right},
            )
    except IntegrityError:
        raise DomainError(
            "refund_exists", _("A refund of this payment has already been requested."), kind=ErrorKind.CONFLICT
        ) from None
    return request


def _notify(request: RefundRequest, now: datetime) -> None:
    with translation.override("ru"):
        if request.state == State.APPROVED:
            text = gettext("Your refund request is approved: %(amount)s moved to %(number)s.") % {
                "amount": format_byn(request.amount),
                "number": format_msisdn(request.right_msisdn),
            }
        else:
            text = gettext("Your refund request is rejected: %(reason)s") % {"reason": request.reason}
    sms_send(msisdn=request.wrong_msisdn, text=text, kind="refund", now=now)


def refund_approve(*, request_id: int, actor: Actor, now: datetime) -> RefundRequest:
    """Move the money from the wrong account to the right one, both entries in one transaction.
    For ПРИВЕТ the money must still be unspent now; otherwise the request is rejected with that
    reason (and the subscriber told to go to a sales centre)."""
    with transaction.atomic():
        request = (
            RefundRequest.objects.select_for_update(of=("self",)).select_related("subscriber__plan").get(pk=request_id)
        )
        if request.state != State.SUBMITTED:
            raise DomainError("refund_decided", _("This request has already been decided."), kind=ErrorKind.CONFLICT)
        for account_id in sorted({request.account_id, request.right_account_id}):
            lock_account(account_id)
        if not _unspent(subscriber=request.subscriber, account_id=request.account_id, amount=request.amount):
            return _decide(request, State.REJECTED, str(_("The money has already been spent.")), actor, now)
        base = f"fin6:refund:{request.pk}"
        details = {"source": "refund", "refund_id": request.pk, "payment_id": request.payment_id}
        ledger_post(
            account=request.account,
            subscriber=request.subscriber,
            amount=-request.amount,
            kind=LedgerEntry.Kind.REFUND,
            reason=operator_text(_("Erroneous payment moved to %(number)s"), number=request.right_msisdn),
            idempotency_key=f"{base}:debit",
            now=now,
            details=details,
        )
        target = Subscriber.objects.filter(msisdn=request.right_msisdn, account_id=request.right_account_id).first()
        ledger_post(
            account=request.right_account,
            subscriber=target,
            amount=request.amount,
            kind=LedgerEntry.Kind.TRANSFER,
            reason=operator_text(_("Erroneous payment from %(number)s"), number=request.wrong_msisdn),
            idempotency_key=f"{base}:credit",
            now=now,
            details=details,
        )
        _decide(request, State.APPROVED, "", actor, now)
    guard([request.account_id, request.right_account_id], now)
    return request


def refund_reject(*, request_id: int, reason: str, actor: Actor, now: datetime) -> RefundRequest:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("refund_reason", _("Give the reason for the rejection."), field="reason")
    with transaction.atomic():
        request = RefundRequest.objects.select_for_update().get(pk=request_id)
        if request.state != State.SUBMITTED:
            raise DomainError("refund_decided", _("This request has already been decided."), kind=ErrorKind.CONFLICT)
        return _decide(request, State.REJECTED, reason[:255], actor, now)


def _decide(request: RefundRequest, state: str, reason: str, actor: Actor, now: datetime) -> RefundRequest:
    request.state, request.reason, request.decided_at = state, reason, now
    request.decided_by = actor.display[:150]
    request.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action=f"finance.refund_{state}",
        now=now,
        subscriber=request.subscriber,
        obj=request,
        details={"reason": reason, "amount": request.amount},
    )
    _notify(request, now)
    return request


def refund_requests(*, account_id: int) -> list[RefundRequest]:
    return list(RefundRequest.objects.filter(account_id=account_id).order_by("-submitted_at", "-id"))


def refund_overdue(*, now: datetime) -> Any:
    """Requests still under review after their due date (for the back office)."""
    return RefundRequest.objects.filter(state=State.SUBMITTED, due_on__lt=clock.local_date(now))
