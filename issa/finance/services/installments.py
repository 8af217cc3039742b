"""Installment plans for equipment (FIN-2, «Информация по рассрочке»).

Payment ``n`` of a plan falls due on the 1st of month ``first_month + n - 1`` (Europe/Minsk). The
monthly job charges every unpaid payment that is due (catching up after an outage); an early
write-off pays the next unpaid payments at once when the balance covers them, after a
confirmation. Either way payment ``n`` is one ledger entry (kind ``installment``) with the key
``fin2:installment:<plan>:<n>`` and one ``InstallmentPayment`` row, so it is paid exactly once
whichever way comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.billing.services import ledger_post
from issa.core import clock
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import format_byn
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.identity.services import audit_record, pending_cancel, pending_confirm, pending_start

from ..models import InstallmentPayment, InstallmentPlan
from .common import guard, lock_account

PENDING_KIND = "finance.installment_early"


def add_months(day: date, months: int) -> date:
    """The 1st of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def payment_amount(plan: InstallmentPlan, number: int) -> int:
    """Equal payments; the last one takes the remainder so that the sum is exactly the total."""
    if number < plan.payments_count:
        return plan.monthly_amount
    return plan.total - plan.monthly_amount * (plan.payments_count - 1)


def due_month(plan: InstallmentPlan, number: int) -> date:
    return add_months(plan.first_month, number - 1)


@dataclass(frozen=True)
class PlanView:
    plan: InstallmentPlan
    paid_count: int
    paid_amount: int
    left_count: int
    left_amount: int
    next_number: int | None
    next_amount: int
    next_due: date | None
    payoff_date: date


def plan_view(plan: InstallmentPlan) -> PlanView:
    paid = {p.number: p.amount for p in plan.payments.all()}
    unpaid = [n for n in range(1, plan.payments_count + 1) if n not in paid]
    first = unpaid[0] if unpaid else None
    return PlanView(
        plan=plan,
        paid_count=len(paid),
        paid_amount=sum(paid.values()),
        left_count=len(unpaid),
        left_amount=sum(payment_amount(plan, n) for n in unpaid),
        next_number=first,
        next_amount=payment_amount(plan, first) if first else 0,
        next_due=due_month(plan, first) if first else None,
        payoff_date=due_month(plan, plan.payments_count),
    )


def installment_plans(*, account_id: int) -> list[PlanView]:
    plans = InstallmentPlan.objects.filter(account_id=account_id).prefetch_related("payments")
    return [plan_view(plan) for plan in plans]


def installment_plan_create(
    *,
    subscriber: Any,
    device_name: str,
    total: int,
    payments_count: int,
    first_month: date,
    actor: Actor,
    now: datetime,
) -> InstallmentPlan:
    """A plan sold at a sales centre (staff, demo): equal monthly payments rounded up to kopecks."""
    if total <= 0 or payments_count <= 0:
        raise DomainError("installment_terms", _("An installment plan needs a total and a number of payments."))
    monthly = -(-total // payments_count)
    with transaction.atomic():
        plan = InstallmentPlan.objects.create(
            account_id=subscriber.account_id,
            subscriber=subscriber,
            device_name=device_name,
            total=total,
            monthly_amount=monthly,
            payments_count=payments_count,
            first_month=first_month.replace(day=1),
            created_at=now,
        )
        audit_record(actor=actor, action="finance.installment_created", now=now, subscriber=subscriber, obj=plan)
    return plan


def _pay(*, plan: InstallmentPlan, number: int, early: bool, now: datetime) -> bool:
    """Book payment ``number`` once (the caller holds the account lock)."""
    if InstallmentPayment.objects.filter(plan=plan, number=number).exists():
        return False
    amount = payment_amount(plan, number)
    key = f"fin2:installment:{plan.pk}:{number}"
    _entry, created = ledger_post(
        account=plan.account,
        subscriber=plan.subscriber,
        amount=-amount,
        kind=LedgerEntry.Kind.INSTALLMENT,
        reason=operator_text(
            _("Installment %(number)s/%(count)s: %(device)s"),
            number=number,
            count=plan.payments_count,
            device=plan.device_name,
        ),
        idempotency_key=key,
        now=now,
        details={"plan_id": plan.pk, "number": number, "early": early, "month": due_month(plan, number).isoformat()},
    )
    if not created:
        return False
    InstallmentPayment.objects.create(plan=plan, number=number, amount=amount, early=early, paid_at=now, ledger_key=key)
    if plan.payments.count() >= plan.payments_count:
        InstallmentPlan.objects.filter(pk=plan.pk).update(state=InstallmentPlan.State.PAID_OFF)
    return True


def installments_charge_month(*, now: datetime) -> int:
    """The monthly job: every unpaid payment due by this month is charged, once."""
    month = clock.local_date(now).replace(day=1)
    booked = 0
    accounts: set[int] = set()
    actor = Actor.system("FIN-2 monthly installments")
    for plan in InstallmentPlan.objects.filter(state=InstallmentPlan.State.ACTIVE).order_by("pk"):
        with transaction.atomic():
            lock_account(plan.account_id)
            plan = InstallmentPlan.objects.select_related("account", "subscriber").get(pk=plan.pk)
            for number in range(1, plan.payments_count + 1):
                if due_month(plan, number) > month:
                    break
                if _pay(plan=plan, number=number, early=False, now=now):
                    booked += 1
                    accounts.add(plan.account_id)
                    audit_record(
                        actor=actor,
                        action="finance.installment_charged",
                        now=now,
                        subscriber=plan.subscriber,
                        obj=plan,
                        details={"number": number},
                    )
    if accounts:
        guard(sorted(accounts), now)
    return booked


def _own_plan(*, subscriber: Any, plan_id: int) -> InstallmentPlan:
    plan = (
        InstallmentPlan.objects.select_related("account", "subscriber")
        .filter(pk=plan_id, account_id=subscriber.account_id)
        .first()
    )
    if plan is None:
        raise not_found()
    return plan


def _check_early(*, plan: InstallmentPlan, count: int) -> tuple[list[int], int]:
    view = plan_view(plan)
    if count < 1 or count > view.left_count:
        raise DomainError(
            "installment_count",
            _("Choose from 1 to %(count)s payments."),
            field="count",
            count=view.left_count,
        )
    unpaid = [n for n in range(1, plan.payments_count + 1) if n not in {p.number for p in plan.payments.all()}]
    numbers = unpaid[:count]
    amount = sum(payment_amount(plan, n) for n in numbers)
    balance = account_balance(account_id=plan.account_id)
    if balance < amount:
        raise DomainError(
            "installment_balance",
            _("Not enough money on the balance: %(amount)s is needed, the balance is %(balance)s."),
            kind=ErrorKind.CONFLICT,
            amount=format_byn(amount),
            balance=format_byn(balance),
        )
    return numbers, amount


def installment_early_start(
    *, subscriber: Any, user: Any, session_key: str, plan_id: int, count: int, actor: Actor, now: datetime
) -> tuple[Any, int]:
    """Ask to write off the next ``count`` payments: checked now, confirmed next. Returns the
    pending request and the amount to show on the confirmation step."""
    plan = _own_plan(subscriber=subscriber, plan_id=plan_id)
    _due, amount = _check_early(plan=plan, count=count)
    req = pending_start(
        session_key=session_key,
        user=user,
        kind=PENDING_KIND,
        payload={"plan_id": plan.pk, "count": count, "amount": amount},
        actor=actor,
        now=now,
    )
    return req, amount


def installment_early_confirm(
    *, subscriber: Any, user: Any, request_id: int, session_key: str, actor: Actor, now: datetime
) -> int:
    """ "Подтвердить": balance and count are checked again under the account lock; returns kopecks paid."""
    from issa.identity.models import PendingRequest

    req = PendingRequest.objects.filter(pk=request_id, user=user, kind=PENDING_KIND).first()
    if req is None:
        raise not_found()
    plan = _own_plan(subscriber=subscriber, plan_id=int(req.payload["plan_id"]))
    with transaction.atomic():
        lock_account(plan.account_id)
        pending_confirm(request_id=request_id, user=user, session_key=session_key, actor=actor, now=now)
        plan = InstallmentPlan.objects.select_related("account", "subscriber").get(pk=plan.pk)
        numbers, amount = _check_early(plan=plan, count=int(req.payload["count"]))
        for number in numbers:
            _pay(plan=plan, number=number, early=True, now=now)
        audit_record(
            actor=actor,
            action="finance.installment_early",
            now=now,
            subscriber=subscriber,
            obj=plan,
            details={"numbers": numbers, "amount": amount},
        )
    guard([plan.account_id], now)
    return amount


def installment_early_cancel(*, user: Any, request_id: int, actor: Actor, now: datetime) -> None:
    from issa.identity.models import PendingRequest

    if not PendingRequest.objects.filter(pk=request_id, user=user, kind=PENDING_KIND).exists():
        raise not_found()
    pending_cancel(request_id=request_id, user=user, actor=actor, now=now)
