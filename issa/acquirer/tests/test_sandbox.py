"""The sandbox acquirer (FIN-5): signed requests only, card form validation, no ISSA internals."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from issa.acquirer.models import SandboxTransaction
from issa.acquirer.signing import sign_params, signature_header

pytestmark = pytest.mark.django_db


def _url(**over: str) -> str:
    params = {
        "merchant": settings.ISSA_ACQUIRER_MERCHANT,
        "order_id": "o-1",
        "amount": "1000",
        "currency": "BYN",
        "return_url": "http://shop.test/back/",
        "callback_url": "http://shop.test/cb",
        "save_card": "0",
        "ts": str(int(time.time())),
    }
    params.update(over)
    params["sig"] = sign_params(secret=settings.ISSA_ACQUIRER_SECRET, params=params)
    return "/sandbox-acquirer/pay/?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_fin_5_sandbox_never_imports_issa_payments() -> None:
    for path in Path(__file__).resolve().parent.parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("issa.payments"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("issa.payments") for a in node.names), path


def test_fin_5_sandbox_page_needs_a_fresh_signed_request() -> None:
    assert Client().get(_url()).status_code == 200
    assert Client().get(_url().replace("amount=1000", "amount=1")).status_code == 403
    assert Client().get(_url(ts=str(int(time.time()) - 7200))).status_code == 400
    assert SandboxTransaction.objects.count() == 1


def test_fin_5_sandbox_form_refuses_a_bad_card_and_sends_nothing() -> None:
    client = Client()
    client.get(_url())
    txn = SandboxTransaction.objects.get()
    response = client.post(
        f"/sandbox-acquirer/pay/{txn.pk}/", {"card_number": "4111111111111112", "expiry": "12/30", "cvc": "123"}
    )
    assert response.status_code == 400
    txn.refresh_from_db()
    assert txn.state == SandboxTransaction.State.NEW
    assert not txn.attempts.exists()


def test_fin_5_sandbox_charge_api_refuses_unsigned_and_unknown_cards() -> None:
    body = json.dumps(
        {"merchant": settings.ISSA_ACQUIRER_MERCHANT, "order_id": "o-2", "amount": 100, "currency": "BYN",
         "card_token": "tok_nope", "callback_url": "http://shop.test/cb"}
    ).encode()  # fmt: skip
    client = Client()
    forged = signature_header(secret="wrong", timestamp=int(time.time()), body=body)
    good = signature_header(secret=settings.ISSA_ACQUIRER_SECRET, timestamp=int(time.time()), body=body)
    post = client.generic
    assert (
        post("POST", "/sandbox-acquirer/api/charge", body, "application/json", HTTP_X_SIGNATURE=forged).status_code
        == 401
    )
    assert (
        post("POST", "/sandbox-acquirer/api/charge", body, "application/json", HTTP_X_SIGNATURE=good).status_code == 404
    )
    assert not SandboxTransaction.objects.exists()
