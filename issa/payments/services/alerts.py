"""Beyond the seed: the low-balance SMS alert and automatic top-up from a saved card.

``low_balance_check(account_ids=…, now=…)`` is cheap and idempotent: call it after anything that
moves a balance (debits especially; a periodic job sweeps the rest). An alert fires once when the
balance falls below the threshold (a conditional UPDATE of ``armed``, so two racing checks send
one SMS) and re-arms when the balance is back at or above it. Auto top-up creates one payment at
a time per number and asks the acquirer to charge the saved card; the credit still comes only
from the acquirer's signed callback.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind
from issa.core.money import format_byn, to_kopecks
from issa.core.queue import enqueue
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import sms_send

from ..models import AutoTopUp, LowBalanceAlert, Payment, SavedCard
from .common import sms_language, unique


def _bounded(value: int, low_rule: str, high_rule: str, field: str) -> None:
    low, high = to_kopecks(rules.get(low_rule)), to_kopecks(rules.get(high_rule))
    if not low <= value <= high:
        raise DomainError(
            "payments_value_out_of_range",
            _("The amount must be from %(min)s to %(max)s."),
            field=field,
            min=format_byn(low),
            max=format_byn(high),
        )


def alert_settings_set(
    *, subscriber: Any, threshold: int | None, actor: Actor, now: datetime
) -> LowBalanceAlert | None:
    """Switch the alert on at ``threshold`` kopecks, or off with None."""
    with transaction.atomic():
        if threshold is None:
            LowBalanceAlert.objects.filter(subscriber=subscriber).update(enabled=False, updated_at=now)
            audit_record(actor=actor, action="payments.alert_off", now=now, subscriber=subscriber)
            return None
        _bounded(threshold, "LOW_BALANCE_ALERT_MIN", "LOW_BALANCE_ALERT_MAX", "threshold")
        alert, _created = LowBalanceAlert.objects.update_or_create(
            subscriber=subscriber,
            defaults={"threshold": threshold, "enabled": True, "armed": True, "updated_at": now},
        )
        audit_record(
            actor=actor, action="payments.alert_on", now=now, subscriber=subscriber, details={"threshold": threshold}
        )
    low_balance_check(account_ids=[subscriber.account_id], now=now)
    return alert


def auto_topup_set(
    *, subscriber: Any, threshold: int | None, amount: int | None, actor: Actor, now: datetime
) -> AutoTopUp | None:
    """Switch automatic top-up on (needs a card saved at a card payment) or off (None)."""
    with transaction.atomic():
        if threshold is None or amount is None:
            AutoTopUp.objects.filter(subscriber=subscriber).update(enabled=False, updated_at=now)
            audit_record(actor=actor, action="payments.auto_topup_off", now=now, subscriber=subscriber)
            return None
        card = SavedCard.objects.filter(subscriber=subscriber, active=True).order_by("-created_at").first()
        if card is None:
            raise DomainError(
                "auto_topup_no_card",
                _("First pay by card once with «Save the card» ticked."),
                kind=ErrorKind.CONFLICT,
            )
        _bounded(threshold, "LOW_BALANCE_ALERT_MIN", "LOW_BALANCE_ALERT_MAX", "threshold")
        _bounded(amount, "AUTO_TOPUP_MIN", "AUTO_TOPUP_MAX", "amount")
        auto, _created = AutoTopUp.objects.update_or_create(
            subscriber=subscriber,
            defaults={"card": card, "threshold": threshold, "amount": amount, "enabled": True, "updated_at": now},
        )
        audit_record(
            actor=actor,
            action="payments.auto_topup_on",
            now=now,
            subscriber=subscriber,
            details={"threshold": threshold, "amount": amount, "card_last4": card.last4},
        )
    return auto


def low_balance_check(*, account_ids: Iterable[int], now: datetime) -> None:
    """Send due low-balance alerts and start due automatic top-ups for these accounts."""
    from issa.billing.guard import balances_for

    ids = unique(account_ids)
    if not ids:
        return
    alerts = list(
        LowBalanceAlert.objects.select_related("subscriber").filter(enabled=True, subscriber__account_id__in=ids)
    )
    autos = list(
        AutoTopUp.objects.select_related("subscriber", "card").filter(
            enabled=True, card__active=True, subscriber__account_id__in=ids
        )
    )
    if not alerts and not autos:
        return
    balances = balances_for({a.subscriber.account_id for a in alerts} | {a.subscriber.account_id for a in autos})
    for alert in alerts:
        balance = balances[alert.subscriber.account_id]
        if balance < alert.threshold and alert.armed:
            with transaction.atomic():
                if LowBalanceAlert.objects.filter(pk=alert.pk, armed=True).update(armed=False, last_sent_at=now):
                    with sms_language():
                        text = gettext("Your balance is %(balance)s, below %(threshold)s. Top up by card in ISSA.") % {
                            "balance": format_byn(balance),
                            "threshold": format_byn(alert.threshold),
                        }
                    sms_send(msisdn=alert.subscriber.msisdn, text=text, kind="low_balance", now=now)
        elif balance >= alert.threshold and not alert.armed:
            LowBalanceAlert.objects.filter(pk=alert.pk, armed=False).update(armed=True)
    for auto in autos:
        if balances[auto.subscriber.account_id] < auto.threshold:
            auto_topup_check(auto=auto, now=now)


def auto_topup_check(*, auto: AutoTopUp, now: datetime) -> Payment | None:
    """Start one automatic top-up unless one is open already or today's count is used up."""
    from .card import OPEN_STATES, payment_create

    subscriber = auto.subscriber
    with transaction.atomic():
        # Lock the settings row: two checks at once start one payment.
        AutoTopUp.objects.select_for_update().get(pk=auto.pk)
        recent = Payment.objects.filter(
            subscriber=subscriber, source=Payment.Source.AUTO, created_at__gte=now - timedelta(days=1)
        )
        if recent.filter(state__in=OPEN_STATES, expires_at__gt=now).exists():
            return None
        if recent.count() >= int(rules.get("AUTO_TOPUP_DAILY_COUNT")):
            return None
        try:
            payment = payment_create(
                payer=None,
                msisdn=subscriber.msisdn,
                amount=auto.amount,
                save_card=False,
                actor=Actor.system("auto top-up"),
                now=now,
                source=Payment.Source.AUTO,
            )
        except DomainError:
            return None
        Payment.objects.filter(pk=payment.pk).update(state=Payment.State.PENDING, card_last4=auto.card.last4)
        enqueue("issa.payments.tasks.auto_topup_charge", payment.pk, auto.card_id)
    return payment
