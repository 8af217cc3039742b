from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from issa.payments.signing import signature_header


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def signed_callback(
    client: Any, payload: dict[str, Any], *, ts: int | None = None, secret: str | None = None, header: str | None = None
) -> Any:
    body = json.dumps(payload).encode()
    if header is None:
        header = signature_header(
            secret=secret or settings.ISSA_ACQUIRER_SECRET, timestamp=int(ts or time.time()), body=body
        )
    return client.generic("POST", "/payments/callback", body, content_type="application/json", HTTP_X_SIGNATURE=header)


def success_payload(payment: Any, txn: str = "txn-1", **over: Any) -> dict[str, Any]:
    data = {
        "type": "payment.succeeded",
        "merchant": settings.ISSA_ACQUIRER_MERCHANT,
        "order_id": str(payment.public_id),
        "transaction_id": txn,
        "amount": payment.amount,
        "currency": "BYN",
        "card_last4": "1111",
    }
    data.update(over)
    return data
