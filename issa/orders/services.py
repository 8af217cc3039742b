"""Order lifecycle (BSS-6, SVC-3, SVC-4, SVC-5).

``order_submit`` → (draft, confirmed through the identity app's pending request when the portal
asks for confirmation) → the worker's ``order_execute`` (``tasks.py``) → completed or failed.
Every change of state writes an ``OrderEvent`` and an audit event in the same transaction.

The rules that refuse an order are checked in one function, ``order_check``: at submit, at
confirm and again by the worker before it talks to the network.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import format_byn
from issa.core.queue import enqueue
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.subscribers.models import Subscriber

from .models import Order, OrderEvent
from .network import NetworkError, get_network
from .registry import OrderAction, get_action

log = logging.getLogger(__name__)
State = Order.State
Status = Subscriber.Status
EXECUTE_TASK = "issa.orders.tasks.order_execute"

# SVC-5: statuses in which no order is accepted (Pause lets the "restore" action through).
REFUSING_STATUSES = {
    Status.PAUSED: _("Service is suspended at your request (Pause). Restore it first."),
    Status.SUSPENDED_CLIENT: _("Service is suspended at the client's request: orders are not accepted."),
    Status.SUSPENDED_OPERATOR: _("Service is suspended by the operator: orders are not accepted."),
    Status.CLOSED: _("The number is closed: orders are not accepted."),
}


def suspension_refusal(*, subscriber: Subscriber, action: OrderAction) -> DomainError | None:
    """SVC-5, the one place: the refusal for this subscriber's status, or None."""
    if subscriber.status == Status.PAUSED and action.allowed_while_paused:
        return None
    message = REFUSING_STATUSES.get(Status(subscriber.status)) if subscriber.status in REFUSING_STATUSES else None
    if message is None:
        return None
    return DomainError("order_refused_suspended", message, kind=ErrorKind.CONFLICT, status=subscriber.status)


def balance_refusal(*, subscriber: Subscriber, price: int, now: datetime) -> DomainError | None:
    """SVC-4: a prepaid subscriber pays the price from the balance, so it must be there."""
    from issa.billing.selectors import account_balance
    from issa.customers.models import Account

    if price <= 0 or subscriber.account.payment_method != Account.PaymentMethod.PREPAID:
        return None
    balance = account_balance(account_id=subscriber.account_id)
    if balance >= price:
        return None
    return DomainError(
        "order_refused_balance",
        _("Not enough money on the balance: the order costs %(price)s, the balance is %(balance)s."),
        kind=ErrorKind.CONFLICT,
        price=format_byn(price),
        balance=format_byn(balance),
    )


def order_check(*, subscriber: Subscriber, action: OrderAction, params: dict[str, Any], now: datetime) -> int:
    """Every rule that refuses an order (SVC-5, the action's own, SVC-4); returns the price."""
    refusal = suspension_refusal(subscriber=subscriber, action=action)
    if refusal is not None:
        raise refusal
    action.validate(subscriber=subscriber, params=params, now=now)
    price = action.price(subscriber=subscriber, params=params, now=now)
    refusal = balance_refusal(subscriber=subscriber, price=price, now=now)
    if refusal is not None:
        raise refusal
    return price


def _event(order: Order, *, now: datetime, note: str = "") -> None:
    OrderEvent.objects.create(order=order, at=now, state=order.state, note=note[:255])


def _audit(order: Order, *, actor: Actor, action: str, now: datetime, outcome: str = "ok", **details: Any) -> None:
    audit_record(
        actor=actor,
        action=f"order.{action}",
        now=now,
        subscriber=order.subscriber,
        obj=order,
        outcome=outcome,
        details={"action": order.action, "state": order.state, **details},
    )


def _set_state(
    order: Order,
    state: str,
    *,
    now: datetime,
    actor: Actor,
    note: str = "",
    outcome: str = "ok",
    on_behalf: dict[str, Any] | None = None,
) -> None:
    order.state = state
    order.updated_at = now
    order.save()
    _event(order, now=now, note=note)
    _audit(order, actor=actor, action=state, now=now, outcome=outcome, note=note, **_behalf(on_behalf))


def _behalf(on_behalf: dict[str, Any] | None) -> dict[str, Any]:
    """Audit details of an order placed by someone other than the number's user (a corporate
    administrator or supervisor, AUTH-11): who they act as, on the client's behalf."""
    return {"on_behalf": on_behalf} if on_behalf else {}


def _locked_subscriber(subscriber: Subscriber) -> Subscriber:
    """Orders of one subscriber are decided one at a time (row lock on the subscriber)."""
    return Subscriber.objects.select_for_update().select_related("account", "plan").get(pk=subscriber.pk)


def order_submit(
    *,
    subscriber: Subscriber,
    action: str,
    params: dict[str, Any],
    actor: Actor,
    now: datetime,
    session_key: str | None = None,
    on_behalf: dict[str, Any] | None = None,
) -> Order:
    """Accept an order. With ``session_key`` (the portal asks "Подтвердить?") it stays a draft
    tied to a pending request of that session; without, it is confirmed and queued at once.

    The actor need not be the number's own user: a corporate administrator or supervisor orders
    for the client's numbers (AUTH-11); the draft's pending request is then the actor's, and
    ``on_behalf`` (e.g. the role) goes into the audit events of the order's steps."""
    act = get_action(action)
    cleaned = act.clean(subscriber=subscriber, params=params)
    with transaction.atomic():
        sub = _locked_subscriber(subscriber)
        price = order_check(subscriber=sub, action=act, params=cleaned, now=now)
        key = act.lock_key(params=cleaned)
        if Order.objects.filter(subscriber=sub, state__in=Order.OPEN_STATES, params__lock_key=key).exists():
            raise DomainError(
                "order_in_progress",
                _("A similar order is already in progress. Wait until it is completed."),
                kind=ErrorKind.CONFLICT,
            )
        order = Order.objects.create(
            subscriber=sub,
            action=act.code,
            params={**cleaned, "lock_key": key},
            title=act.describe(params=cleaned)[:255],
            state=State.DRAFT,
            price=price,
            channel=actor.channel[:10],
            actor_label=actor.display[:120],
            created_at=now,
            updated_at=now,
            scheduled_for=act.scheduled_for(subscriber=sub, params=cleaned, now=now),
        )
        _event(order, now=now)
        _audit(order, actor=actor, action="submitted", now=now, price=price, **_behalf(on_behalf))
        if session_key:
            from issa.identity.services import pending_start

            req = pending_start(
                session_key=session_key,
                user=_user(actor, sub),
                kind="orders.order",
                payload={"order": order.pk},
                actor=actor,
                now=now,
            )
            order.pending_request_id = req.pk
            order.save(update_fields=["pending_request_id"])
        else:
            _accept(order, actor=actor, now=now, on_behalf=on_behalf)
    return order


def _accept(order: Order, *, actor: Actor, now: datetime, on_behalf: dict[str, Any] | None = None) -> None:
    _set_state(order, State.CONFIRMED, now=now, actor=actor, on_behalf=on_behalf)
    enqueue(EXECUTE_TASK, order.pk)


def _user(actor: Actor, subscriber: Subscriber) -> Any:
    """The user whose pending request holds a draft: the actor, or the number's own login."""
    user = actor.user if actor.user is not None else getattr(subscriber, "user", None)
    if user is None:
        raise DomainError("session_required", _("Your session has ended. Log in again."), kind=ErrorKind.UNAUTHORIZED)
    return user


def own_order(*, subscriber: Subscriber, order_id: int, lock: bool = False) -> Order:
    """An order looked up through its owner: another subscriber's id is "not found"."""
    qs = Order.objects.select_for_update() if lock else Order.objects.all()
    order = qs.filter(pk=order_id, subscriber_id=subscriber.pk).first()
    if order is None:
        raise not_found()
    return order


def order_confirm(
    *,
    subscriber: Subscriber,
    order_id: int,
    actor: Actor,
    now: datetime,
    session_key: str,
    on_behalf: dict[str, Any] | None = None,
) -> Order:
    """ "Подтвердить": the draft's pending request must still be alive in this session."""
    from issa.identity.services import pending_confirm

    user = _user(actor, subscriber)
    try:
        with transaction.atomic():
            sub = _locked_subscriber(subscriber)
            order = own_order(subscriber=sub, order_id=order_id, lock=True)
            if order.state != State.DRAFT or order.pending_request_id is None:
                raise DomainError(
                    "order_not_draft", _("This order is not awaiting confirmation."), kind=ErrorKind.CONFLICT
                )
            pending_confirm(
                request_id=order.pending_request_id, user=user, session_key=session_key, actor=actor, now=now
            )
            act = get_action(order.action)
            order.price = order_check(subscriber=sub, action=act, params=order.params, now=now)
            _accept(order, actor=actor, now=now, on_behalf=on_behalf)
    except DomainError as error:
        if error.code == "request_cancelled":
            _cancel_draft(subscriber=subscriber, order_id=order_id, actor=actor, now=now, note="session ended")
        raise
    return order


def _cancel_draft(*, subscriber: Subscriber, order_id: int, actor: Actor, now: datetime, note: str) -> None:
    with transaction.atomic():
        order = own_order(subscriber=subscriber, order_id=order_id, lock=True)
        if order.state == State.DRAFT:
            _set_state(order, State.CANCELLED, now=now, actor=actor, note=note)


def order_cancel(
    *, subscriber: Subscriber, order_id: int, actor: Actor, now: datetime, on_behalf: dict[str, Any] | None = None
) -> Order:
    """ "Отмена": a draft, or an accepted order the worker has not started (e.g. a plan change
    waiting for midnight). An order in progress cannot be called back from the network."""
    from issa.identity.services import pending_cancel

    with transaction.atomic():
        order = own_order(subscriber=subscriber, order_id=order_id, lock=True)
        if order.state not in (State.DRAFT, State.CONFIRMED):
            raise DomainError(
                "order_not_cancellable", _("This order can no longer be cancelled."), kind=ErrorKind.CONFLICT
            )
        if order.state == State.DRAFT and order.pending_request_id:
            user = actor.user if actor.user is not None else getattr(order.subscriber, "user", None)
            if user is not None:
                pending_cancel(request_id=order.pending_request_id, user=user, actor=actor, now=now)
        note = "cancelled on the client's behalf" if on_behalf else "cancelled by the subscriber"
        _set_state(order, State.CANCELLED, now=now, actor=actor, note=note, on_behalf=on_behalf)
    return order


def drafts_sweep(*, now: datetime) -> int:
    """Drafts whose pending request ended (session over, expired, cancelled) are cancelled."""
    from issa.identity.models import PendingRequest

    done = 0
    actor = Actor.system("orders: drafts sweep")
    ids = list(Order.objects.filter(state=State.DRAFT).values_list("pk", "pending_request_id"))
    from issa.identity.services.pending import session_alive

    alive = {
        pk
        for pk, key in PendingRequest.objects.filter(
            pk__in=[r for _pk, r in ids if r], state=PendingRequest.State.PENDING, expires_at__gt=now
        ).values_list("pk", "session_key")
        if session_alive(key)
    }
    for pk, req in ids:
        if req in alive:
            continue
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("subscriber__account").get(pk=pk)
            if order.state == State.DRAFT:
                _set_state(order, State.CANCELLED, now=now, actor=actor, note="not confirmed in time")
                done += 1
    return done


# --- the worker ------------------------------------------------------------------------------


def retry_delay(attempt: int) -> timedelta:
    """Backoff after the ``attempt``-th failed try: base × 4^(n−1) (1 min, 4 min, 16 min, …)."""
    return timedelta(seconds=int(rules.get("ORDER_RETRY_BASE_SECONDS")) * 4 ** max(attempt - 1, 0))


def order_execute(*, order_id: int, now: datetime) -> Order | None:
    """Carry out one order: idempotent (a completed or failed order is left alone; the network
    applies each request id once; ``complete`` runs in the same transaction as the state change)."""
    system = Actor.system("orders worker")
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("subscriber").filter(pk=order_id).first()
        if order is None or order.state not in (State.CONFIRMED, State.IN_PROGRESS):
            return order
        if order.scheduled_for and order.scheduled_for > now:
            return order  # the periodic job brings it back when due
        if order.next_attempt_at and order.next_attempt_at > now:
            return order
        act = get_action(order.action)
        sub = _locked_subscriber(order.subscriber)
        try:
            _check_again(sub, act, order, now)
        except DomainError as error:
            _fail(order, now=now, actor=system, reason=error.text())
            return order
        if order.attempts >= int(rules.get("ORDER_MAX_ATTEMPTS")):
            # tried enough (e.g. the network did it but our side kept failing): report it
            _fail(order, now=now, actor=system, reason=order.last_error or gettext("Too many attempts"))
            return order
        order.attempts += 1
        # a lease: if this worker dies mid-way, the periodic job retries after the backoff
        order.next_attempt_at = now + retry_delay(order.attempts)
        if order.state == State.CONFIRMED:
            _set_state(order, State.IN_PROGRESS, now=now, actor=system)
        else:
            order.updated_at = now
            order.save()
            _event(order, now=now, note=gettext("Attempt %(n)s") % {"n": order.attempts})
    try:
        act.provision(network=get_network(), order=order)
    except (NetworkError, DomainError) as error:
        permanent = isinstance(error, DomainError) or error.permanent
        return _provision_failed(order_id, now=now, actor=system, error=error, permanent=permanent)
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("subscriber__account").get(pk=order_id)
        if order.state != State.IN_PROGRESS:
            return order
        act.complete(order=order, now=now)
        order.completed_at = now
        order.next_attempt_at = None
        order.last_error = ""
        _set_state(order, State.COMPLETED, now=now, actor=system)
    _after_money(order, now=now)
    return order


def _check_again(sub: Subscriber, act: OrderAction, order: Order, now: datetime) -> None:
    """The worker re-checks the rules (a suspension or a competing change since the order)."""
    refusal = suspension_refusal(subscriber=sub, action=act)
    if refusal is not None:
        raise refusal
    act.validate(subscriber=sub, params=order.params, now=now)
    if order.attempts == 0:
        refusal = balance_refusal(
            subscriber=sub, price=act.price(subscriber=sub, params=order.params, now=now), now=now
        )
        if refusal is not None:
            raise refusal


def _provision_failed(order_id: int, *, now: datetime, actor: Actor, error: Exception, permanent: bool) -> Order:
    reason = error.text() if isinstance(error, DomainError) else str(error)
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("subscriber__account").get(pk=order_id)
        if order.state != State.IN_PROGRESS:
            return order
        order.last_error = reason[:255]
        if permanent or order.attempts >= int(rules.get("ORDER_MAX_ATTEMPTS")):
            _fail(order, now=now, actor=actor, reason=reason)
        else:
            order.next_attempt_at = now + retry_delay(order.attempts)
            order.updated_at = now
            order.save()
            _event(
                order,
                now=now,
                note=gettext("Network did not answer; next attempt at %(at)s") % {"at": _fmt(order.next_attempt_at)},
            )
            _audit(order, actor=actor, action="attempt_failed", now=now, outcome="error", error=reason[:120])
    return order


def _fmt(moment: datetime | None) -> str:
    from issa.core.clock import local

    return f"{local(moment):%d.%m.%Y %H:%M}" if moment else ""


def _fail(order: Order, *, now: datetime, actor: Actor, reason: str) -> None:
    """Reported, never lost: the history, the audit log, the operations log and an SMS."""
    from issa.notifications.services import subscriber_notify

    order.next_attempt_at = None
    order.last_error = reason[:255]
    _set_state(order, State.FAILED, now=now, actor=actor, note=reason, outcome="failed")
    log.error("order %s (%s) failed: %s", order.pk, order.action, reason)
    with translation.override("ru"):
        text = gettext("Order «%(title)s» was not completed: %(reason)s") % {"title": order.title, "reason": reason}
        subject = gettext("Order not completed")
    subscriber_notify(subscriber=order.subscriber, text=text[:480], subject=subject, kind="order", now=now)


def _after_money(order: Order, *, now: datetime) -> None:
    from issa.billing.guard import prepaid_guard

    prepaid_guard(account_ids=[order.subscriber.account_id], now=now)


def orders_run_due(*, now: datetime) -> int:
    """The periodic job: orders that are due (scheduled ones, retries, leases of dead workers)."""
    from django.db.models import Q

    due = (
        Order.objects.filter(state__in=(State.CONFIRMED, State.IN_PROGRESS))
        .filter(Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )
    count = 0
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        order_execute(order_id=pk, now=now)
        count += 1
    return count
