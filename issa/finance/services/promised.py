"""Promised payments (FIN-3, «Неподтверждённые платежи»).

The subscriber registers a payment made but not yet credited: up to ``PROMISED_PAYMENT_MAX`` BYN,
valid ``PROMISED_PAYMENT_DAYS`` days. On the web and the API the last step is a confirm-or-cancel
(an identity PendingRequest, cancelled when the session ends); over USSD the dialogue itself is
that step. Confirming books a temporary credit (ledger kind ``promised``). Exactly one withdrawal
(kind ``promised_reversal``, key ``fin3:promised_reversal:<id>``) follows: when a real payment is
credited (``promised_settle_on_payment``, state ``settled``) or when the days run out (the periodic
job ``promised_expire_due``, state ``expired``).

Repeats (configuration, defaults in ``issa.core.rules``): none while one is active
(``PROMISED_PAYMENT_ONE_ACTIVE``), at most ``PROMISED_PAYMENT_PER_MONTH`` confirmed per calendar
month. The checks run again under the account's row lock at confirmation, so parallel requests
cannot exceed them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core import clock, rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import format_byn, to_kopecks
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.identity.services import audit_record, pending_cancel, pending_confirm, pending_start

from ..models import PromisedPayment
from .common import guard, lock_account

State = PromisedPayment.State
PENDING_KIND = "finance.promised"


def promised_max() -> int:
    return to_kopecks(rules.get("PROMISED_PAYMENT_MAX"))


def _check(*, subscriber: Any, amount: int, now: datetime) -> None:
    """The FIN-3 rules; raise a DomainError naming the first one broken."""
    limit = promised_max()
    if amount <= 0 or amount > limit:
        raise DomainError(
            "promised_amount",
            _("A promised payment is from 0,01 to %(max)s."),
            field="amount",
            max=format_byn(limit),
        )
    rows = PromisedPayment.objects.filter(account_id=subscriber.account_id)
    if rules.get("PROMISED_PAYMENT_ONE_ACTIVE") and rows.filter(state=State.ACTIVE).exists():
        raise DomainError(
            "promised_active",
            _("You already have an active promised payment. A new one is possible after it is settled or expires."),
            kind=ErrorKind.CONFLICT,
        )
    period = clock.period_of(now)
    used = rows.filter(confirmed_at__gte=period.start, confirmed_at__lt=period.end).count()
    per_month = int(rules.get("PROMISED_PAYMENT_PER_MONTH"))
    if used >= per_month:
        raise DomainError(
            "promised_month_limit",
            _("At most %(count)s promised payments a month can be registered."),
            kind=ErrorKind.CONFLICT,
            count=per_month,
        )


def _activate(*, row: PromisedPayment, actor: Actor, now: datetime) -> PromisedPayment:
    """Inside a transaction holding the account lock: check again, book the credit."""
    _check(subscriber=row.subscriber, amount=row.amount, now=now)
    row.state = State.ACTIVE
    row.confirmed_at = now
    row.expires_at = now + timedelta(days=int(rules.get("PROMISED_PAYMENT_DAYS")))
    row.save(update_fields=["state", "confirmed_at", "expires_at"])
    ledger_post(
        account=row.account,
        subscriber=row.subscriber,
        amount=row.amount,
        kind=LedgerEntry.Kind.PROMISED,
        reason=operator_text(_("Promised payment")),
        idempotency_key=f"fin3:promised:{row.pk}",
        now=now,
        details={"source": "promised", "promised_id": row.pk},
    )
    audit_record(
        actor=actor,
        action="finance.promised_confirmed",
        now=now,
        subscriber=row.subscriber,
        obj=row,
        details={"amount": row.amount, "expires_at": row.expires_at.isoformat()},
    )
    return row


def promised_start(
    *, subscriber: Any, user: Any, session_key: str, amount: int, actor: Actor, now: datetime
) -> PromisedPayment:
    """Step "amount" of the wizard: check the rules, remember the request, ask for confirmation."""
    _check(subscriber=subscriber, amount=amount, now=now)
    with transaction.atomic():
        req = pending_start(
            session_key=session_key, user=user, kind=PENDING_KIND, payload={"amount": amount}, actor=actor, now=now
        )
        return PromisedPayment.objects.create(
            account_id=subscriber.account_id,
            subscriber=subscriber,
            amount=amount,
            channel=actor.channel,
            pending_request_id=req.pk,
            created_at=now,
        )


def _awaiting(*, subscriber: Any, request_id: int) -> PromisedPayment:
    row = (
        PromisedPayment.objects.select_related("subscriber", "account")
        .filter(pending_request_id=request_id, subscriber=subscriber)
        .first()
    )
    if row is None:
        raise not_found()
    return row


def promised_confirm(
    *, subscriber: Any, user: Any, request_id: int, session_key: str, actor: Actor, now: datetime
) -> PromisedPayment:
    """The final "Подтвердить": the pending request must be alive in this session; the rules are
    checked again under the account lock. A refusal cancels the registration and writes nothing."""
    row = _awaiting(subscriber=subscriber, request_id=request_id)
    try:
        with transaction.atomic():
            lock_account(row.account_id)
            row = (
                PromisedPayment.objects.select_for_update(of=("self",))
                .select_related("subscriber", "account")
                .get(pk=row.pk)
            )
            if row.state != State.AWAITING:
                raise DomainError(
                    "request_cancelled",
                    _("This request was cancelled because the session ended. Start it again."),
                    kind=ErrorKind.CONFLICT,
                )
            pending_confirm(request_id=request_id, user=user, session_key=session_key, actor=actor, now=now)
            _activate(row=row, actor=actor, now=now)
    except DomainError:
        promised_cancel(subscriber=subscriber, user=user, request_id=request_id, actor=actor, now=now, reason="refused")
        raise
    guard([row.account_id], now)
    return row


def promised_cancel(
    *, subscriber: Any, user: Any, request_id: int, actor: Actor, now: datetime, reason: str = "user"
) -> PromisedPayment:
    """ "Отмена" (or a refusal at confirmation): the registration is cancelled, nothing booked."""
    row = _awaiting(subscriber=subscriber, request_id=request_id)
    with transaction.atomic():
        pending_cancel(request_id=request_id, user=user, actor=actor, now=now, reason=reason)
        updated = PromisedPayment.objects.filter(pk=row.pk, state=State.AWAITING).update(
            state=State.CANCELLED, closed_at=now
        )
        if updated:
            audit_record(
                actor=actor,
                action="finance.promised_cancelled",
                now=now,
                subscriber=subscriber,
                obj=row,
                details={"reason": reason},
            )
    row.refresh_from_db()
    return row


def promised_register_direct(*, subscriber: Any, amount: int, actor: Actor, now: datetime) -> PromisedPayment:
    """USSD: the dialogue's own "1 — подтвердить" is the confirmation step (a USSD session has no
    web session to hang a pending request on). Same rules, same lock."""
    _check(subscriber=subscriber, amount=amount, now=now)
    with transaction.atomic():
        lock_account(subscriber.account_id)
        row = PromisedPayment.objects.create(
            account_id=subscriber.account_id,
            subscriber=subscriber,
            amount=amount,
            channel=actor.channel,
            created_at=now,
        )
        _activate(row=row, actor=actor, now=now)
    guard([row.account_id], now)
    return row


def _withdraw(*, row: PromisedPayment, state: str, now: datetime, details: dict[str, Any]) -> bool:
    """Close an active promised payment and write its one reversal entry (under the row lock)."""
    locked = (
        PromisedPayment.objects.select_for_update(of=("self",)).select_related("subscriber", "account").get(pk=row.pk)
    )
    if locked.state != State.ACTIVE:
        return False
    locked.state, locked.closed_at = state, now
    locked.save(update_fields=["state", "closed_at"])
    ledger_post(
        account=locked.account,
        subscriber=locked.subscriber,
        amount=-locked.amount,
        kind=LedgerEntry.Kind.PROMISED_REVERSAL,
        reason=operator_text(
            _("Promised payment settled") if state == State.SETTLED else _("Promised payment expired")
        ),
        idempotency_key=f"fin3:promised_reversal:{locked.pk}",
        now=now,
        details={"promised_id": locked.pk, "outcome": state, **details},
    )
    audit_record(
        actor=Actor.system("FIN-3 promised payment"),
        action=f"finance.promised_{state}",
        now=now,
        subscriber=locked.subscriber,
        obj=locked,
        details={"amount": locked.amount, **details},
    )
    return True


def promised_settle_on_payment(*, account: Any, amount: int, now: datetime) -> None:
    """Called by payments whenever a real payment is credited to ``account``: an active promised
    payment is settled — its temporary credit is withdrawn against the real payment (the whole
    promised amount, as operators do, whatever the payment's size)."""
    with transaction.atomic():
        rows = list(PromisedPayment.objects.filter(account_id=account.pk, state=State.ACTIVE))
        done = [_withdraw(row=row, state=State.SETTLED, now=now, details={"payment_amount": amount}) for row in rows]
    if any(done):
        guard([account.pk], now)


def promised_expire_due(*, now: datetime) -> int:
    """The periodic job: withdraw every active promised payment whose days have run out. Running
    it twice withdraws nothing more (state check under lock and a unique ledger key)."""
    count = 0
    accounts: set[int] = set()
    for row in PromisedPayment.objects.filter(state=State.ACTIVE, expires_at__lte=now).order_by("pk"):
        with transaction.atomic():
            if _withdraw(row=row, state=State.EXPIRED, now=now, details={}):
                count += 1
                accounts.add(row.account_id)
    if accounts:
        guard(sorted(accounts), now)
    return count


def promised_sweep_awaiting(*, now: datetime, account_id: int | None = None) -> int:
    """Registrations whose confirmation request ended without "Подтвердить" (session ended,
    timeout, logout) are shown as cancelled: by the periodic job for everyone, and for one
    account before its list is shown."""
    from issa.identity.models import PendingRequest

    ended = PendingRequest.objects.filter(kind=PENDING_KIND).exclude(state=PendingRequest.State.PENDING)
    rows = PromisedPayment.objects.filter(state=State.AWAITING, pending_request_id__in=ended.values("pk"))
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    return rows.update(state=State.CANCELLED, closed_at=now)
