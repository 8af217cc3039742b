"""Background work of payments (run on the worker; idempotent; take ids)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from issa.core import clock
from issa.core.crypto import decrypt
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import AutoTopUp, LowBalanceAlert, Payment, SavedCard
from .services import low_balance_check, payment_expire_due
from .services.card import acquirer_server_url, public_url
from .signing import signature_header

log = logging.getLogger(__name__)


def auto_topup_charge(payment_id: int, card_id: int) -> str:
    """Ask the acquirer to charge the saved card (a recurring charge, signed like callbacks).

    The acquirer answers at once and reports the result by its callback, which alone credits.
    A refused request marks the payment failed."""
    payment = Payment.objects.filter(pk=payment_id).first()
    card = SavedCard.objects.filter(pk=card_id).first()
    if payment is None or card is None or payment.final:
        return "skipped"
    body = json.dumps(
        {
            "merchant": settings.ISSA_ACQUIRER_MERCHANT,
            "order_id": str(payment.public_id),
            "amount": payment.amount,
            "currency": payment.currency,
            "card_token": decrypt(card.token_encrypted),
            "description": f"ISSA auto top-up {payment.msisdn}",
            "callback_url": public_url(reverse("payments:callback")),
        }
    ).encode()
    now = clock.now()
    request = urllib.request.Request(  # noqa: S310 (the configured acquirer URL, http or https)
        acquirer_server_url("api/charge"),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Signature": signature_header(
                secret=settings.ISSA_ACQUIRER_SECRET, timestamp=int(now.timestamp()), body=body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            status = response.status
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, {}
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        log.warning("auto top-up %s: acquirer unreachable: %s", payment.public_id, type(exc).__name__)
        return "unreachable"  # stays pending; expires unless a callback arrives
    if status >= 400:
        with transaction.atomic():
            changed = Payment.objects.filter(pk=payment.pk, state__in=["created", "pending"]).update(
                state=Payment.State.FAILED, failure_reason=f"charge refused: HTTP {status}", updated_at=now
            )
            if changed:
                audit_record(
                    actor=Actor.system("auto top-up"),
                    action="payment.fail",
                    now=now,
                    subscriber=payment.subscriber,
                    obj=payment,
                    details={"http_status": status},
                )
        return "refused"
    return str(answer.get("state", "accepted"))


def expire_payments(**_: Any) -> int:
    return payment_expire_due(now=clock.now())


def low_balance_sweep(**_: Any) -> None:
    """The periodic catch-all for balances moved by anything that does not call the check."""
    ids = set(LowBalanceAlert.objects.filter(enabled=True).values_list("subscriber__account_id", flat=True))
    ids |= set(AutoTopUp.objects.filter(enabled=True).values_list("subscriber__account_id", flat=True))
    ids_list = sorted(ids)
    for start in range(0, len(ids_list), 500):
        low_balance_check(account_ids=ids_list[start : start + 500], now=clock.now())
