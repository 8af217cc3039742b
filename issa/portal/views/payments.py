"""«Финансовая информация»: top-up by bank card (FIN-5), «Оплата картой ЭО» (FIN-4), and the
low-balance alert and automatic top-up settings.

The card form never takes a card number: it creates a payment and sends the browser to the
acquirer's hosted page. The page the acquirer returns to only SHOWS the state (it polls while the
payment is pending); the acquirer's signed callback alone credits. Payments are looked up through
their payer (another's payment id → 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from issa.billing.selectors import account_balance
from issa.core import clock, rules
from issa.core.errors import DomainError, not_found
from issa.core.money import format_byn, parse_roubles, to_kopecks
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.payments import selectors
from issa.payments.models import Payment
from issa.payments.services import (
    alert_settings_set,
    auto_topup_set,
    express_card_redeem,
    payment_create,
    payment_handoff,
)
from issa.portal.menu import MenuItem, register

from .info import own_subscriber

register(
    MenuItem(
        key="topup",
        title=pgettext_lazy("payments", "Top up by card"),
        description=_("Pay by bank card for your number or another"),
        url_name="portal:topup",
        order=40,
    )
)
register(
    MenuItem(
        key="express",
        title=pgettext_lazy("payments", "Express card payment"),
        description=_("Enter the 14-digit code of an express-payment card"),
        url_name="portal:express",
        order=41,
    )
)


def _amount(raw: str, field: str = "amount") -> int:
    try:
        return parse_roubles(raw or "")
    except ValueError:
        raise DomainError(
            "payments_amount_invalid", _("Enter an amount in roubles, e.g. 10 or 10,50."), field=field
        ) from None


def _error_response(request: HttpRequest, template: str, context: dict[str, Any], error: DomainError) -> HttpResponse:
    context["error"] = error
    return render(request, template, context, status=error.http_status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def topup(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    context: dict[str, Any] = {
        "msisdn": format_msisdn(subscriber.msisdn),
        "min": format_byn(to_kopecks(rules.get("CARD_TOPUP_MIN"))),
        "max": format_byn(to_kopecks(rules.get("CARD_TOPUP_MAX"))),
        "balance": format_byn(account_balance(account_id=subscriber.account_id)),
        "payments": [(p, format_byn(p.amount)) for p in selectors.payments_of(user=request.user)[:20]],
    }
    if request.method == "POST":
        context.update(msisdn=request.POST.get("msisdn", ""), amount=request.POST.get("amount", ""))
        actor = Actor.from_request(request)
        now = clock.now()
        try:
            payment = payment_create(
                payer=request.user,
                msisdn=request.POST.get("msisdn") or subscriber.msisdn,
                amount=_amount(request.POST.get("amount", "")),
                save_card=request.POST.get("save_card") == "on",
                actor=actor,
                now=now,
            )
            url = payment_handoff(payment=payment, actor=actor, now=now)
        except DomainError as error:
            return _error_response(request, "portal/payments/topup.html", context, error)
        return HttpResponseRedirect(url)
    return render(request, "portal/payments/topup.html", context)


def _own_payment(request: HttpRequest, public_id: Any) -> Payment:
    payment = selectors.payment_of(user=request.user, public_id=public_id)
    if payment is None:
        raise not_found()
    return payment


@never_cache
@login_required
@require_GET
def payment_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Where the acquirer sends the browser back: shows the state; never changes it."""
    payment = _own_payment(request, public_id)
    context = {"payment": payment, "amount": format_byn(payment.amount), "msisdn": format_msisdn(payment.msisdn)}
    if getattr(request, "htmx", False):
        return render(request, "portal/payments/_state.html", context)
    return render(request, "portal/payments/state.html", context)


@login_required
@require_GET
def receipt(request: HttpRequest, public_id: Any) -> HttpResponse:
    payment = _own_payment(request, public_id)
    receipt = getattr(payment, "receipt", None)
    if receipt is None:
        raise not_found()
    context = {
        "payment": payment,
        "receipt": receipt,
        "amount": format_byn(receipt.amount),
        "msisdn": format_msisdn(receipt.msisdn),
    }
    return render(request, "portal/payments/receipt.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def express(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    context: dict[str, Any] = {"digits": rules.get("EXPRESS_CARD_DIGITS")}
    if request.method == "POST":
        try:
            card, _entry = express_card_redeem(
                subscriber=subscriber,
                code=request.POST.get("code", ""),
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as error:
            return _error_response(request, "portal/payments/express.html", context, error)
        context["done"] = {
            "amount": format_byn(card.face_value),
            "last4": card.last4,
            "balance": format_byn(account_balance(account_id=subscriber.account_id)),
        }
    context["balance"] = format_byn(account_balance(account_id=subscriber.account_id))
    return render(request, "portal/payments/express.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def payment_settings(request: HttpRequest) -> HttpResponse:
    """Low-balance SMS alert and automatic top-up from the saved card."""
    subscriber = own_subscriber(request)
    if request.method == "POST":
        actor, now = Actor.from_request(request), clock.now()
        what = request.POST.get("what")
        try:
            if what == "alert":
                on = request.POST.get("enabled") == "on"
                alert_settings_set(
                    subscriber=subscriber,
                    threshold=_amount(request.POST.get("threshold", ""), "threshold") if on else None,
                    actor=actor,
                    now=now,
                )
            elif what == "auto":
                on = request.POST.get("enabled") == "on"
                auto_topup_set(
                    subscriber=subscriber,
                    threshold=_amount(request.POST.get("threshold", ""), "threshold") if on else None,
                    amount=_amount(request.POST.get("amount", "")) if on else None,
                    actor=actor,
                    now=now,
                )
        except DomainError as error:
            context = selectors.settings_of(subscriber=subscriber)
            return _error_response(request, "portal/payments/settings.html", context, error)
        return HttpResponseRedirect(request.path + "?saved=1")
    context = selectors.settings_of(subscriber=subscriber)
    context["saved"] = request.GET.get("saved") == "1"
    return render(request, "portal/payments/settings.html", context)


urlpatterns = [
    path("pay/card/", topup, name="topup"),
    path("pay/card/<uuid:public_id>/", payment_return, name="payment_return"),
    path("pay/card/<uuid:public_id>/receipt/", receipt, name="payment_receipt"),
    path("pay/express/", express, name="express"),
    path("pay/settings/", payment_settings, name="payment_settings"),
]
