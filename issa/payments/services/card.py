"""Card top-up (FIN-5): the payment, the hand-off to the acquirer's hosted page, the callback.

PCI DSS SAQ A: ISSA never sees a card number. The browser is sent to the acquirer's page with a
signed request; the acquirer's signed server-to-server callback is the ONLY thing that credits
the balance. The browser's return merely shows the state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind
from issa.core.money import format_byn, to_kopecks
from issa.core.phone import is_fixed_line, parse_any_number, parse_msisdn
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import subscriber_notify
from issa.subscribers.models import Subscriber
from issa.subscribers.selectors import subscriber_for_msisdn

from ..models import CallbackLog, Payment, Receipt, SavedCard
from ..signing import sign_params, verify_body
from .common import credit, sms_language

OPEN_STATES = (Payment.State.CREATED, Payment.State.PENDING)


def public_url(path: str) -> str:
    return settings.ISSA_PUBLIC_URL.rstrip("/") + path


def acquirer_url(path: str = "") -> str:
    """The acquirer's base URL; a relative one (the built-in sandbox) is on ISSA's own host."""
    base = settings.ISSA_ACQUIRER_URL
    if not base.endswith("/"):
        base += "/"
    return base + path


def acquirer_server_url(path: str = "") -> str:
    url = acquirer_url(path)
    return public_url(url) if url.startswith("/") else url


def check_amount(amount: int) -> None:
    low, high = to_kopecks(rules.get("CARD_TOPUP_MIN")), to_kopecks(rules.get("CARD_TOPUP_MAX"))
    if not low <= amount <= high:
        raise DomainError(
            "payment_amount_out_of_range",
            _("The amount must be from %(min)s to %(max)s."),
            field="amount",
            min=format_byn(low),
            max=format_byn(high),
        )


def payable_number(raw: str) -> str:
    """A mobile number, or the fixed number of a home and office line (HOME-1: its top-up goes
    through this same flow); anything else gets the mobile number's error."""
    try:
        return parse_msisdn(raw)
    except DomainError as error:
        try:
            number = parse_any_number(raw)
        except DomainError:
            raise error from None
        if not is_fixed_line(number):
            raise error from None
        return number


def payment_create(
    *, payer: Any, msisdn: str, amount: int, save_card: bool, actor: Actor, now: datetime, source: str = "card"
) -> Payment:
    """A new card payment to ``msisdn`` (the payer's own number or another's; FIN-5)."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amount in int kopecks")
    check_amount(amount)
    target = subscriber_for_msisdn(payable_number(msisdn))
    own = payer is not None and getattr(payer, "subscriber_id", None) == target.pk
    with transaction.atomic():
        # One payment at a time per credited number, so that the daily limit holds under races.
        Subscriber.objects.select_for_update().filter(pk=target.pk).first()
        day_total = (
            Payment.objects.filter(
                subscriber=target,
                created_at__gte=now - timedelta(days=1),
                state__in=[*OPEN_STATES, Payment.State.SUCCEEDED],
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        daily = to_kopecks(rules.get("CARD_TOPUP_DAILY_MAX"))
        if day_total + amount > daily:
            raise DomainError(
                "payment_daily_limit",
                _("Card payments to this number are limited to %(max)s a day."),
                kind=ErrorKind.CONFLICT,
                max=format_byn(daily),
            )
        payment = Payment.objects.create(
            account=target.account,
            subscriber=target,
            msisdn=target.msisdn,
            payer=payer,
            amount=amount,
            source=source,
            save_card=bool(save_card and own),
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(minutes=int(rules.get("CARD_PAYMENT_TTL_MINUTES"))),
        )
        audit_record(
            actor=actor,
            action="payment.create",
            now=now,
            subscriber=target,
            obj=payment,
            details={"amount": amount, "own_number": own, "source": source},
        )
    return payment


def payment_handoff(*, payment: Payment, actor: Actor, now: datetime) -> str:
    """Mark the payment pending and give the URL of the acquirer's hosted page (signed request)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.state not in OPEN_STATES or locked.expires_at <= now:
            raise DomainError(
                "payment_not_open", _("This payment can no longer be paid. Start a new one."), kind=ErrorKind.CONFLICT
            )
        if locked.state == Payment.State.CREATED:
            locked.state = Payment.State.PENDING
            locked.updated_at = now
            locked.save(update_fields=["state", "updated_at"])
            audit_record(actor=actor, action="payment.handoff", now=now, subscriber=locked.subscriber, obj=locked)
    params = {
        "merchant": settings.ISSA_ACQUIRER_MERCHANT,
        "order_id": str(payment.public_id),
        "amount": str(payment.amount),
        "currency": payment.currency,
        "description": f"ISSA {payment.msisdn}",
        "return_url": public_url(reverse("portal:payment_return", args=[payment.public_id])),
        "callback_url": public_url(reverse("payments:callback")),
        "save_card": "1" if payment.save_card else "0",
        "ts": str(int(now.timestamp())),
    }
    params["sig"] = sign_params(secret=settings.ISSA_ACQUIRER_SECRET, params=params)
    return acquirer_url("pay/") + "?" + urlencode(params)


def payment_expire_due(*, now: datetime) -> int:
    """Expire payments left open past their time (the job); a late success still credits."""
    count = 0
    for pk in Payment.objects.filter(state__in=OPEN_STATES, expires_at__lte=now).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            changed = Payment.objects.filter(pk=pk, state__in=OPEN_STATES).update(
                state=Payment.State.EXPIRED, updated_at=now
            )
            if changed:
                payment = Payment.objects.get(pk=pk)
                audit_record(
                    actor=Actor.system("payments expiry"),
                    action="payment.expire",
                    now=now,
                    subscriber=payment.subscriber,
                    obj=payment,
                )
                count += 1
    return count


# --- the callback ---------------------------------------------------------------------------


@dataclass
class CallbackResult:
    status: int
    outcome: str
    payment: Payment | None = None

    def body(self) -> dict[str, Any]:
        return {"ok": self.status == 200, "outcome": self.outcome}


class _Refuse(Exception):
    def __init__(self, outcome: str, status: int, payment: Payment | None = None) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.status = status
        self.payment = payment


EVENTS = {"payment.pending", "payment.succeeded", "payment.failed"}


def _log(
    *, now: datetime, outcome: str, status: int, data: dict[str, Any], body: bytes, ip: str | None, **extra: Any
) -> None:
    CallbackLog.objects.create(
        received_at=now,
        outcome=outcome,
        http_status=status,
        event=str(data.get("type", ""))[:40],
        transaction_id=str(data.get("transaction_id", ""))[:64],
        remote_ip=ip,
        body=_stored(body),
        **extra,
    )


def _stored(body: bytes) -> str:
    """The body as kept in the log: a saved card's token is a credential, so it is masked."""
    text = body[:4000].decode("utf-8", "replace")
    if b"card_token" not in body:
        return text
    try:
        data = json.loads(body)
    except ValueError:
        return text
    if isinstance(data, dict) and data.get("card_token"):
        data["card_token"] = "***"  # noqa: S105 -- a mask, not a password
    return json.dumps(data)[:4000]


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("type") not in EVENTS:
        return None
    if not isinstance(data.get("order_id"), str) or not isinstance(data.get("transaction_id"), str):
        return None
    if not data["transaction_id"] or len(data["transaction_id"]) > 64:
        return None
    amount = data.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(data.get("currency"), str):
        return None
    return data


def callback_receive(*, body: bytes, signature: str, remote_ip: str | None, now: datetime) -> CallbackResult:
    """Verify and apply one acquirer callback. Every outcome is recorded in ``CallbackLog``.

    200: applied, or a duplicate of what was applied (the acquirer may stop retrying);
    400 malformed; 401 forged or stale signature; 404 unknown payment; 409 replayed message,
    amount/currency mismatch or a conflicting transaction. Refused callbacks change nothing.
    """
    verdict, _ts, v1 = verify_body(
        secret=settings.ISSA_ACQUIRER_SECRET,
        header=signature,
        body=body,
        now_ts=now.timestamp(),
        tolerance=int(rules.get("CARD_CALLBACK_TOLERANCE_SECONDS")),
    )
    data = _parse(body) if verdict == "ok" else None
    if verdict != "ok" or data is None:
        outcome = {"forged": CallbackLog.Outcome.FORGED, "stale": CallbackLog.Outcome.STALE}.get(
            verdict, CallbackLog.Outcome.MALFORMED
        )
        status = 400 if verdict == "ok" else 401
        _log(now=now, outcome=outcome, status=status, data={}, body=body, ip=remote_ip)
        return CallbackResult(status, outcome)
    try:
        with transaction.atomic():
            order = _uuid(data["order_id"])
            payment = Payment.objects.select_for_update().filter(public_id=order).first() if order else None
            if payment is None:
                raise _Refuse(CallbackLog.Outcome.UNKNOWN, 404)
            if (
                data["amount"] != payment.amount
                or data["currency"] != payment.currency
                or data.get("merchant", settings.ISSA_ACQUIRER_MERCHANT) != settings.ISSA_ACQUIRER_MERCHANT
            ):
                raise _Refuse(CallbackLog.Outcome.MISMATCH, 409, payment)
            with transaction.atomic():
                log = CallbackLog.objects.create(
                    received_at=now,
                    payment=payment,
                    outcome=CallbackLog.Outcome.ACCEPTED,
                    http_status=200,
                    event=data["type"],
                    transaction_id=data["transaction_id"],
                    signature=v1,
                    remote_ip=remote_ip,
                    body=_stored(body),
                )
            applied: str = _apply(payment=payment, data=data, now=now)
            if applied != CallbackLog.Outcome.ACCEPTED:
                if applied == CallbackLog.Outcome.CONFLICT:
                    raise _Refuse(applied, 409, payment)
                log.outcome = applied
                log.save(update_fields=["outcome"])
            return CallbackResult(200, applied, payment)
    except IntegrityError:
        _log(now=now, outcome=CallbackLog.Outcome.REPLAYED, status=409, data=data, body=body, ip=remote_ip)
        return CallbackResult(409, CallbackLog.Outcome.REPLAYED)
    except _Refuse as refusal:
        _log(
            now=now,
            outcome=refusal.outcome,
            status=refusal.status,
            data=data,
            body=body,
            ip=remote_ip,
            payment=refusal.payment,
        )
        return CallbackResult(refusal.status, refusal.outcome, refusal.payment)


def _uuid(value: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _apply(*, payment: Payment, data: dict[str, Any], now: datetime) -> str:
    """Change the (locked) payment by the callback's event; returns the log outcome."""
    actor = Actor(channel="system", label=f"acquirer {payment.acquirer}")
    event, txn = data["type"], data["transaction_id"]
    last4 = str(data.get("card_last4", ""))[-4:]
    if payment.state == Payment.State.SUCCEEDED:
        if event == "payment.succeeded" and txn == payment.acquirer_txn_id:
            return CallbackLog.Outcome.DUPLICATE
        if event == "payment.pending":
            return CallbackLog.Outcome.DUPLICATE
        return CallbackLog.Outcome.CONFLICT
    if event == "payment.pending":
        if payment.state == Payment.State.CREATED:
            payment.state = Payment.State.PENDING
            payment.updated_at = now
            payment.save(update_fields=["state", "updated_at"])
        return CallbackLog.Outcome.ACCEPTED
    if event == "payment.failed":
        if payment.state == Payment.State.FAILED:
            return CallbackLog.Outcome.DUPLICATE
        if payment.state in OPEN_STATES:
            payment.state = Payment.State.FAILED
            payment.acquirer_txn_id = txn
            payment.card_last4 = last4
            payment.failure_reason = str(data.get("reason", ""))[:120]
            payment.updated_at = now
            payment.save(update_fields=["state", "acquirer_txn_id", "card_last4", "failure_reason", "updated_at"])
            audit_record(
                actor=actor,
                action="payment.fail",
                now=now,
                subscriber=payment.subscriber,
                obj=payment,
                details={"reason": payment.failure_reason},
            )
        return CallbackLog.Outcome.ACCEPTED
    # payment.succeeded: credit once (a late success after expiry or a decline still credits —
    # the money was taken from the card)
    previous = payment.state
    payment.state = Payment.State.SUCCEEDED
    payment.acquirer_txn_id = txn
    payment.card_last4 = last4
    payment.paid_at = now
    payment.updated_at = now
    payment.save(update_fields=["state", "acquirer_txn_id", "card_last4", "paid_at", "updated_at"])
    entry, _created = credit(
        account=payment.account,
        subscriber=payment.subscriber,
        amount=payment.amount,
        reason=operator_text(_("Card payment %(id)s"), id=payment.public_id),
        key=f"card:{payment.acquirer}:{txn}",
        now=now,
        details={"payment": str(payment.public_id), "source": payment.source, "card_last4": last4},
    )
    Receipt.objects.create(
        number=f"C{now:%y%m%d}-{payment.pk:07d}",
        payment=payment,
        msisdn=payment.msisdn,
        amount=payment.amount,
        issued_at=now,
        details={"transaction_id": txn, "card_last4": last4, "ledger_entry": entry.pk, "source": payment.source},
    )
    token = data.get("card_token")
    if payment.save_card and isinstance(token, str) and token:
        from issa.core.crypto import encrypt

        SavedCard.objects.filter(subscriber=payment.subscriber, active=True).update(active=False)
        SavedCard.objects.create(
            subscriber=payment.subscriber, token_encrypted=encrypt(token), last4=last4, created_at=now
        )
    audit_record(
        actor=actor,
        action="payment.succeed",
        now=now,
        subscriber=payment.subscriber,
        obj=payment,
        details={"amount": payment.amount, "from_state": previous, "ledger_entry": entry.pk},
    )
    from issa.billing.selectors import account_balance

    with sms_language():
        text = gettext("Your account is topped up by %(amount)s by card. Balance: %(balance)s.") % {
            "amount": format_byn(payment.amount),
            "balance": format_byn(account_balance(account_id=payment.account_id)),
        }
        subject = pgettext("notice", "Payment received")
    # SMS to a mobile number; a home-and-office line (no handset) by e-mail or not at all (HOME-1)
    subscriber_notify(subscriber=payment.subscriber, text=text, subject=subject, kind="payment", now=now)
    return CallbackLog.Outcome.ACCEPTED
