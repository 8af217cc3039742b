"""The sandbox acquirer's callbacks, POSTed from the worker over real HTTP (urllib).

Scenarios by test card: ``delay`` first reports "pending", waits ISSA_SANDBOX_DELAY_SECONDS, then
"succeeded"; ``repeat`` sends the same result 3 times (each freshly signed, as acquirers retry).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from .models import SandboxCallbackAttempt, SandboxTransaction
from .signing import signature_header
from .views import merchant_secret


def _post(txn: SandboxTransaction, event: str, attempt: int = 1) -> int | None:
    payload = {
        "type": event,
        "merchant": txn.merchant,
        "order_id": txn.order_id,
        "transaction_id": str(txn.pk),
        "amount": txn.amount,
        "currency": txn.currency,
        "card_last4": txn.card_last4,
        "attempt": attempt,  # each delivery is its own signed message (a replay is not)
    }
    if event == "payment.succeeded" and txn.card_token:
        payload["card_token"] = txn.card_token
    if event == "payment.failed":
        payload["reason"] = "cancelled" if txn.scenario == "cancel" else "declined"
    body = json.dumps(payload).encode()
    secret = merchant_secret(txn.merchant) or ""
    request = urllib.request.Request(  # noqa: S310 (the merchant's callback URL, http or https)
        txn.callback_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Signature": signature_header(secret=secret, timestamp=int(time.time()), body=body),
        },
    )
    status: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, TimeoutError) as exc:
        error = type(exc).__name__
    SandboxCallbackAttempt.objects.create(transaction=txn, event=event, http_status=status, error=error)
    return status


def deliver(txn_id: str) -> None:
    txn = SandboxTransaction.objects.get(pk=txn_id)
    if txn.state == SandboxTransaction.State.DECLINED:
        _post(txn, "payment.failed")
        return
    if txn.scenario == "delay" and txn.state == SandboxTransaction.State.PROCESSING:
        _post(txn, "payment.pending")
        time.sleep(max(0, int(settings.ISSA_SANDBOX_DELAY_SECONDS)))
        SandboxTransaction.objects.filter(pk=txn.pk).update(state=SandboxTransaction.State.APPROVED)
        txn.refresh_from_db()
    times = 3 if txn.scenario == "repeat" else 1
    for attempt in range(1, times + 1):
        _post(txn, "payment.succeeded", attempt)
