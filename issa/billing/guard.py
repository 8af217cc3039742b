"""The prepaid guard (BSS-3): a prepaid subscriber at or below zero is blocked for outgoing paid
usage, and unblocked as soon as the balance is positive again.

Called by rating after each batch, by the fee job after each batch and by payments. It is
idempotent: a status changes only with a conditional UPDATE (``WHERE status = …``), so two guards
racing on the same account send one SMS, write one audit event and change one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from issa.core import rules
from issa.core.money import format_byn
from issa.customers.models import Account
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import subscriber_notify
from issa.subscribers.models import Subscriber

from .models import LedgerEntry

JOB = "prepaid guard"


def balances_for(account_ids: Iterable[int]) -> dict[int, int]:
    """Balances in kopecks of several accounts in one query (accounts without entries: 0)."""
    ids = list(account_ids)
    totals = dict.fromkeys(ids, 0)
    rows = LedgerEntry.objects.filter(account_id__in=ids).values("account_id").annotate(total=Sum("amount"))
    for row in rows:
        totals[row["account_id"]] = int(row["total"] or 0)
    return totals


def prepaid_guard(*, account_ids: Iterable[int], now: datetime) -> None:
    """Block (``blocked_funds``) the active subscribers of prepaid accounts whose balance is at or
    below zero; unblock the blocked ones whose balance is above zero. One SMS and one audit event
    per change; nothing for subscribers already in the right state (or paused, suspended, closed)."""
    ids = sorted(set(account_ids))
    if not ids:
        return
    prepaid = list(
        Account.objects.filter(pk__in=ids, payment_method=Account.PaymentMethod.PREPAID).values_list("pk", flat=True)
    )
    if not prepaid:
        return
    balances = balances_for(prepaid)
    to_block = [pk for pk, balance in balances.items() if balance <= 0]
    to_unblock = [pk for pk, balance in balances.items() if balance > 0]
    candidates = Subscriber.objects.select_related("account__client", "plan").filter(
        account_id__in=to_block, status=Subscriber.Status.ACTIVE
    ) | Subscriber.objects.select_related("account__client", "plan").filter(
        account_id__in=to_unblock, status=Subscriber.Status.BLOCKED_FUNDS
    )
    actor = Actor.system(JOB)
    for subscriber in candidates.order_by("pk"):
        balance = balances[subscriber.account_id]
        if balance <= 0:
            _change(subscriber, Subscriber.Status.ACTIVE, Subscriber.Status.BLOCKED_FUNDS, balance, actor, now)
        else:
            _change(subscriber, Subscriber.Status.BLOCKED_FUNDS, Subscriber.Status.ACTIVE, balance, actor, now)


def _change(subscriber: Subscriber, old: str, new: str, balance: int, actor: Actor, now: datetime) -> None:
    with transaction.atomic():
        changed = Subscriber.objects.filter(pk=subscriber.pk, status=old).update(status=new, updated_at=now)
        if not changed:
            return  # someone else got there first (or the status moved on): nothing to say
        subscriber.status = new
        blocked = new == Subscriber.Status.BLOCKED_FUNDS
        audit_record(
            actor=actor,
            action="subscriber.blocked_funds" if blocked else "subscriber.unblocked_funds",
            now=now,
            subscriber=subscriber,
            obj=subscriber,
            details={"from": old, "to": new, "balance": balance},
        )
        home = getattr(subscriber.plan, "kind", None) == "home"  # a fixed-internet line (HOME-1)
        with translation.override("ru"):
            if blocked and home:
                text = _("Balance: %(amount)s. Internet access is suspended. Top up your account to restore it.") % {
                    "amount": format_byn(balance, "ru")
                }
            elif blocked:
                text = _(
                    "Balance: %(amount)s. Outgoing calls, SMS and Mobile Internet are suspended. "
                    "Top up your account to restore them. Check the balance: %(ussd)s"
                ) % {"amount": format_byn(balance, "ru"), "ussd": rules.get("USSD_BALANCE")}
            else:
                text = _("Balance: %(amount)s. All services are available again.") % {
                    "amount": format_byn(balance, "ru")
                }
            subject = _("Services suspended") if blocked else _("Services restored")
        subscriber_notify(subscriber=subscriber, text=text, subject=str(subject), kind="billing", now=now)
