"""The sandbox acquirer's pages and API (development and demo only; never in production).

It plays a card acquirer: a hosted payment page that takes the card (ISSA never sees it), test
card numbers with fixed outcomes, signed callbacks POSTed over real HTTP by the worker, and a
recurring-charge API for saved cards. It knows ISSA only by URLs and the shared secret.

Test cards (any future expiry, any 3-digit CVC):

    4111 1111 1111 1111  approved
    4000 0000 0000 0002  declined
    4000 0000 0000 0259  approved after a delay (a "pending" callback first)
    4000 0000 0000 0341  approved; the callback is sent 3 times
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .models import SandboxCard, SandboxTransaction
from .signing import sign_params, verify_body

TEST_CARDS = {
    "4111111111111111": "ok",
    "4000000000000002": "decline",
    "4000000000000259": "delay",
    "4000000000000341": "repeat",
}
REQUIRED = ("merchant", "order_id", "amount", "currency", "return_url", "callback_url", "ts", "sig")
MAX_REQUEST_AGE = 3600


def merchant_secret(merchant: str) -> str | None:
    """The sandbox has one merchant: the one ISSA is configured with."""
    return settings.ISSA_ACQUIRER_SECRET if merchant == settings.ISSA_ACQUIRER_MERCHANT else None


def enqueue_callbacks(txn: SandboxTransaction) -> None:
    from issa.core.queue import enqueue

    enqueue("issa.acquirer.tasks.deliver", str(txn.pk))


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "acquirer/error.html", {"message": message}, status=status)


@require_http_methods(["GET"])
def pay(request: HttpRequest) -> HttpResponse:
    """The merchant's signed redirect opens (or re-opens) the hosted page for an order."""
    params = {k: request.GET.get(k, "") for k in request.GET}
    if any(not params.get(k) for k in REQUIRED):
        return _error(request, "Incomplete payment request.")
    secret = merchant_secret(params["merchant"])
    if secret is None or not secrets.compare_digest(sign_params(secret=secret, params=params), params["sig"]):
        return _error(request, "The payment request is not signed by a known merchant.", 403)
    try:
        ts, amount = int(params["ts"]), int(params["amount"])
    except ValueError:
        return _error(request, "Bad payment request.")
    if abs(time.time() - ts) > MAX_REQUEST_AGE or amount <= 0:
        return _error(request, "The payment request has expired. Go back to the shop.", 400)
    try:
        with transaction.atomic():
            txn, _created = SandboxTransaction.objects.get_or_create(
                merchant=params["merchant"],
                order_id=params["order_id"],
                defaults={
                    "amount": amount,
                    "currency": params["currency"][:3],
                    "description": params.get("description", "")[:200],
                    "return_url": params["return_url"],
                    "callback_url": params["callback_url"],
                    "save_card": params.get("save_card") == "1",
                },
            )
    except IntegrityError:
        txn = SandboxTransaction.objects.get(merchant=params["merchant"], order_id=params["order_id"])
    if txn.amount != amount:
        return _error(request, "This order was opened with another amount.", 409)
    if txn.state != SandboxTransaction.State.NEW:
        return HttpResponseRedirect(_return_url(txn))
    return render(request, "acquirer/pay.html", {"txn": txn, "amount": f"{txn.amount // 100}.{txn.amount % 100:02d}"})


def _return_url(txn: SandboxTransaction) -> str:
    sep = "&" if "?" in txn.return_url else "?"
    return txn.return_url + sep + urlencode({"txn": str(txn.pk)})


@require_POST
def submit(request: HttpRequest, txn_id: str) -> HttpResponse:
    """The card form. The card number lives only in this request; we keep the last 4 digits."""
    txn = get_object_or_404(SandboxTransaction, pk=txn_id)
    if request.POST.get("action") == "cancel":
        with transaction.atomic():
            if SandboxTransaction.objects.filter(pk=txn.pk, state=SandboxTransaction.State.NEW).update(
                state=SandboxTransaction.State.DECLINED, scenario="cancel"
            ):
                enqueue_callbacks(txn)
        return HttpResponseRedirect(_return_url(txn))
    number = "".join(ch for ch in request.POST.get("card_number", "") if ch.isdigit())
    expiry = request.POST.get("expiry", "").strip()
    cvc = request.POST.get("cvc", "").strip()
    errors = []
    if not (13 <= len(number) <= 19 and _luhn_ok(number)):
        errors.append("Check the card number.")
    if (
        len(expiry) != 5
        or expiry[2] != "/"
        or not (expiry[:2] + expiry[3:]).isdigit()
        or not 1 <= int(expiry[:2]) <= 12
    ):
        errors.append("Expiry as MM/YY.")
    if not (cvc.isdigit() and len(cvc) == 3):
        errors.append("CVC: 3 digits.")
    if errors:
        context = {"txn": txn, "amount": f"{txn.amount // 100}.{txn.amount % 100:02d}", "errors": errors}
        return render(request, "acquirer/pay.html", context, status=400)
    scenario = TEST_CARDS.get(number, "ok")
    with transaction.atomic():
        locked = SandboxTransaction.objects.select_for_update().get(pk=txn.pk)
        if locked.state == SandboxTransaction.State.NEW:
            locked.card_last4 = number[-4:]
            locked.scenario = scenario
            if scenario == "decline":
                locked.state = SandboxTransaction.State.DECLINED
            elif scenario == "delay":
                locked.state = SandboxTransaction.State.PROCESSING
            else:
                locked.state = SandboxTransaction.State.APPROVED
            if locked.save_card and scenario != "decline":
                token = "tok_" + secrets.token_urlsafe(24)
                SandboxCard.objects.create(token=token, merchant=locked.merchant, last4=number[-4:], scenario=scenario)
                locked.card_token = token
            locked.save()
            enqueue_callbacks(locked)
    return HttpResponseRedirect(_return_url(txn))


@csrf_exempt  # a server-to-server API authenticated by its HMAC signature
@require_POST
def charge(request: HttpRequest) -> JsonResponse:
    """Recurring charge of a saved card: ``{merchant, order_id, amount, currency, card_token,
    callback_url}`` signed in X-Signature; answers at once, reports by callback."""
    try:
        data: dict[str, Any] = json.loads(request.body)
        merchant = str(data["merchant"])
        amount = int(data["amount"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "malformed"}, status=400)
    secret = merchant_secret(merchant)
    if secret is None:
        return JsonResponse({"error": "unknown merchant"}, status=401)
    verdict, _ts, _v1 = verify_body(
        secret=secret,
        header=request.headers.get("X-Signature", ""),
        body=request.body,
        now_ts=time.time(),
        tolerance=300,
    )
    if verdict != "ok":
        return JsonResponse({"error": verdict}, status=401)
    card = SandboxCard.objects.filter(token=str(data.get("card_token", "")), merchant=merchant).first()
    if card is None:
        return JsonResponse({"error": "unknown card"}, status=404)
    try:
        with transaction.atomic():
            txn = SandboxTransaction.objects.create(
                merchant=merchant,
                order_id=str(data["order_id"])[:64],
                amount=amount,
                currency=str(data.get("currency", "BYN"))[:3],
                description=str(data.get("description", ""))[:200],
                return_url="http://invalid/",
                callback_url=str(data["callback_url"]),
                recurring=True,
                card_last4=card.last4,
                scenario=card.scenario,
                state=(
                    SandboxTransaction.State.DECLINED
                    if card.scenario == "decline"
                    else SandboxTransaction.State.APPROVED
                ),
            )
            enqueue_callbacks(txn)
    except (IntegrityError, KeyError):
        return JsonResponse({"error": "duplicate order"}, status=409)
    return JsonResponse({"transaction_id": str(txn.pk), "state": txn.state})


@require_http_methods(["GET"])
def transactions(request: HttpRequest) -> HttpResponse:
    """The sandbox's own list of transactions and callback attempts (for people trying it)."""
    rows = SandboxTransaction.objects.prefetch_related("attempts").order_by("-created_at")[:50]
    return render(request, "acquirer/transactions.html", {"rows": rows})
