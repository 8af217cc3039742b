"""Demo finances (FIN-2, FIN-3, FIN-6): installment plans, a past promised payment and a refund
request waiting for review.

- +375 29 100-00-01: a smartphone in 12 installments (this month's payment charged, paid by the
  subscriber through ERIP the same day, so the documented balance stays as it is) and a promised
  payment of 3,00 that expired and was withdrawn;
- +375 29 100-00-04: a 4G router in 6 installments from next month;
- +375 29 100-00-07 (brand ПРИВЕТ): a payment of 5,00 meant for a neighbouring number, with a
  refund request under review (due in 3 working days).

Every entry is dated inside the current billing period (the bills loader has closed the earlier
ones), and every row is found by its natural key, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core import clock
from issa.core.errors import DomainError
from issa.core.texts import operator_text
from issa.finance.models import InstallmentPayment, InstallmentPlan, PromisedPayment, RefundRequest
from issa.finance.services import installment_plan_create, refund_request_create
from issa.finance.services.installments import add_months, payment_amount
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

ORDER = 75
ACTOR = Actor.system("demo")
PLANS = [
    # (msisdn, device, total kopecks, payments, first month offset from this month)
    ("375291000001", "Смартфон Samsung Galaxy A15", 59900, 12, 0),
    ("375291000004", "Роутер 4G ZTE MF833", 12000, 6, 1),
]
PROMISED_MSISDN = "375291000001"
REFUND_MSISDN = "375291000007"


def _subscribers(numbers: list[str]) -> dict[str, Subscriber]:
    rows = Subscriber.objects.select_related("account", "plan").filter(msisdn__in=numbers)
    return {s.msisdn: s for s in rows}


def _in_period(moment: datetime, now: datetime) -> datetime:
    """Clamp to the current billing period (and never after ``now``)."""
    start = clock.period_of(now).start
    return min(max(moment, start + timedelta(minutes=1)), now)


def _installments(subs: dict[str, Subscriber], now: datetime) -> int:
    made = 0
    this_month = clock.local_date(now).replace(day=1)
    for msisdn, device, total, count, offset in PLANS:
        subscriber = subs.get(msisdn)
        if subscriber is None or InstallmentPlan.objects.filter(subscriber=subscriber, device_name=device).exists():
            continue
        plan = installment_plan_create(
            subscriber=subscriber,
            device_name=device,
            total=total,
            payments_count=count,
            first_month=add_months(this_month, offset),
            actor=ACTOR,
            now=now,
        )
        made += 1
        if offset == 0:  # this month's payment, and the subscriber's ERIP payment that covered it
            at = _in_period(now - timedelta(hours=2), now)
            amount = payment_amount(plan, 1)
            ledger_post(
                account=subscriber.account,
                subscriber=subscriber,
                amount=amount,
                kind=LedgerEntry.Kind.PAYMENT,
                reason=operator_text(_("ERIP payment")),
                idempotency_key=f"demo:fin:erip:{msisdn}",
                now=at,
                details={"source": "bank"},
            )
            key = f"fin2:installment:{plan.pk}:1"
            ledger_post(
                account=subscriber.account,
                subscriber=subscriber,
                amount=-amount,
                kind=LedgerEntry.Kind.INSTALLMENT,
                reason=operator_text(
                    _("Installment %(number)s/%(count)s: %(device)s"), number=1, count=count, device=device
                ),
                idempotency_key=key,
                now=at,
                details={"plan_id": plan.pk, "number": 1, "early": False, "month": this_month.isoformat()},
            )
            InstallmentPayment.objects.create(plan=plan, number=1, amount=amount, paid_at=at, ledger_key=key)
    return made


def _promised(subs: dict[str, Subscriber], now: datetime) -> int:
    subscriber = subs.get(PROMISED_MSISDN)
    if subscriber is None or PromisedPayment.objects.filter(subscriber=subscriber, channel="demo").exists():
        return 0
    registered = _in_period(now - timedelta(days=5), now)
    expired = min(registered + timedelta(days=3), now)
    row = PromisedPayment.objects.create(
        account=subscriber.account,
        subscriber=subscriber,
        amount=300,
        state=PromisedPayment.State.EXPIRED,
        channel="demo",
        created_at=registered,
        confirmed_at=registered,
        expires_at=registered + timedelta(days=3),
        closed_at=expired,
    )
    common: dict[str, Any] = {"account": subscriber.account, "subscriber": subscriber}
    ledger_post(
        **common,
        amount=300,
        kind=LedgerEntry.Kind.PROMISED,
        reason=operator_text(_("Promised payment")),
        idempotency_key=f"fin3:promised:{row.pk}",
        now=registered,
        details={"source": "promised", "promised_id": row.pk},
    )
    ledger_post(
        **common,
        amount=-300,
        kind=LedgerEntry.Kind.PROMISED_REVERSAL,
        reason=operator_text(_("Promised payment expired")),
        idempotency_key=f"fin3:promised_reversal:{row.pk}",
        now=expired,
        details={"promised_id": row.pk, "outcome": "expired"},
    )
    return 1


def _refund(subs: dict[str, Subscriber], now: datetime) -> int:
    wrong = subs.get(REFUND_MSISDN)
    if wrong is None:
        return 0
    at = _in_period(now - timedelta(days=2), now)
    payment, _created = ledger_post(
        account=wrong.account,
        subscriber=wrong,
        amount=500,
        kind=LedgerEntry.Kind.PAYMENT,
        reason=operator_text(_("ERIP payment")),
        idempotency_key="demo:fin:erroneous-payment",
        now=at,
        details={"source": "bank"},
    )
    if RefundRequest.objects.filter(payment=payment).exists():
        return 0
    neighbours = [REFUND_MSISDN[:-1] + d for d in "0123456789" if d != REFUND_MSISDN[-1]]
    right = (
        Subscriber.objects.filter(msisdn__in=neighbours)
        .exclude(status=Subscriber.Status.CLOSED)
        .order_by("msisdn")
        .first()
    )
    if right is None:
        return 0
    try:
        refund_request_create(subscriber=wrong, payment_id=payment.pk, right_number=right.msisdn, actor=ACTOR, now=now)
    except DomainError:
        return 0
    return 1


def load(*, stdout: Any, now: datetime) -> None:
    subs = _subscribers([p[0] for p in PLANS] + [PROMISED_MSISDN, REFUND_MSISDN])
    plans = _installments(subs, now)
    promised = _promised(subs, now)
    refunds = _refund(subs, now)
    stdout.write(f"finance: {plans} installment plans, {promised} past promised payment, {refunds} refund request")
