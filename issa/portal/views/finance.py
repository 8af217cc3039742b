"""«Финансовая информация»: payment history (FIN-1), installments (FIN-2), unconfirmed (promised)
payments (FIN-3) and the refund of an erroneous payment (FIN-6).

Views parse, authorise and call one finance service; every object is looked up through the
signed-in subscriber's own account (another's id answers 404). Steps with a confirmation use the
identity pending-request mechanism, so a request left unconfirmed ends with the session. The
sub-navigation partial ``portal/finance/_tabs.html`` is shared with the payments pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from issa.billing.selectors import account_balance
from issa.core import clock, rules
from issa.core.errors import DomainError, not_found
from issa.core.money import format_byn, parse_roubles, to_kopecks
from issa.core.phone import format_msisdn
from issa.finance import selectors, services
from issa.finance.models import PromisedPayment
from issa.finance.services.installments import PENDING_KIND as EARLY_KIND
from issa.finance.services.promised import PENDING_KIND as PROMISED_KIND
from issa.identity.actor import Actor
from issa.identity.models import PendingRequest
from issa.portal.menu import MenuItem, register
from issa.subscribers.models import Subscriber

register(
    MenuItem(
        key="finance",
        title=_("Financial information"),
        description=_("Payment history, installments, unconfirmed payments, refund of an erroneous payment"),
        url_name="portal:finance",
        order=30,
    )
)


def own_subscriber(request: HttpRequest) -> Subscriber:
    subscriber_id = getattr(request.user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account").get(pk=subscriber_id)


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return str(request.session.session_key)


def _context(subscriber: Subscriber, tab: str, **extra: Any) -> dict[str, Any]:
    balance = account_balance(account_id=subscriber.account_id)
    return {"tab": tab, "subscriber": subscriber, "balance": balance, "balance_display": format_byn(balance), **extra}


@login_required
@require_GET
def finance_home(request: HttpRequest) -> HttpResponse:
    return redirect("portal:finance_history")


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    now = clock.now()
    lines = selectors.payment_history(account_id=subscriber.account_id, now=now)
    context = _context(
        subscriber,
        "history",
        lines=[(line, format_byn(line.amount)) for line in lines],
        since=selectors.history_since(now),
        months=rules.get("PAYMENT_HISTORY_MONTHS"),
    )
    return render(request, "portal/finance/history.html", context)


# FIN-2 ------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def installments(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    error = None
    status = 200
    if request.method == "POST":
        try:
            count = int(request.POST.get("count", "1"))
            plan_id = int(request.POST.get("plan", "0"))
        except ValueError:
            count, plan_id = 0, 0
        try:
            req, _amount = services.installment_early_start(
                subscriber=subscriber,
                user=request.user,
                session_key=_session_key(request),
                plan_id=plan_id,
                count=count,
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as exc:
            error, status = exc, exc.http_status
        else:
            return redirect("portal:finance_installment_confirm", request_id=req.pk)
    plans = services.installment_plans(account_id=subscriber.account_id)
    views = [
        {
            "view": view,
            "total": format_byn(view.plan.total),
            "monthly": format_byn(view.plan.monthly_amount),
            "left": format_byn(view.left_amount),
            "next": format_byn(view.next_amount),
            "counts": range(1, view.left_count + 1),
        }
        for view in plans
    ]
    return render(
        request,
        "portal/finance/installments.html",
        _context(subscriber, "installments", plans=views, error=error),
        status=status,
    )


def _own_pending(request: HttpRequest, request_id: int, kind: str) -> PendingRequest:
    req = PendingRequest.objects.filter(pk=request_id, user_id=int(request.user.pk or 0), kind=kind).first()
    if req is None:
        raise not_found()
    return req


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def installment_confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    req = _own_pending(request, request_id, EARLY_KIND)
    actor, now = Actor.from_request(request), clock.now()
    error = None
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                services.installment_early_cancel(user=request.user, request_id=req.pk, actor=actor, now=now)
                messages.info(request, gettext("The early write-off is cancelled."))
                return redirect("portal:finance_installments")
            amount = services.installment_early_confirm(
                subscriber=subscriber,
                user=request.user,
                request_id=req.pk,
                session_key=_session_key(request),
                actor=actor,
                now=now,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                gettext("%(amount)s written off the balance for the installments.") % {"amount": format_byn(amount)},
            )
            return redirect("portal:finance_installments")
    context = _context(
        subscriber,
        "installments",
        req=req,
        amount=format_byn(int(req.payload.get("amount", 0))),
        count=req.payload.get("count"),
        error=error,
    )
    return render(
        request, "portal/finance/installment_confirm.html", context, status=error.http_status if error else 200
    )


# FIN-3 ------------------------------------------------------------------------------------------


@login_required
@require_GET
def promised_list(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    services.promised_sweep_awaiting(now=clock.now(), account_id=subscriber.account_id)
    rows = selectors.promised_payments(account_id=subscriber.account_id)
    context = _context(subscriber, "promised", rows=[(row, format_byn(row.amount)) for row in rows])
    return render(request, "portal/finance/promised_list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def promised_new(request: HttpRequest) -> HttpResponse:
    """The wizard: an explanation with «Далее», then the amount, then the confirmation step."""
    subscriber = own_subscriber(request)
    limit = to_kopecks(rules.get("PROMISED_PAYMENT_MAX"))
    context = _context(
        subscriber,
        "promised",
        step="amount" if request.method == "POST" or request.GET.get("step") == "amount" else "intro",
        max=format_byn(limit),
        max_value=f"{limit // 100}.{limit % 100:02d}",
        days=rules.get("PROMISED_PAYMENT_DAYS"),
        per_month=rules.get("PROMISED_PAYMENT_PER_MONTH"),
        amount="",
    )
    if request.method == "POST":
        raw = request.POST.get("amount", "")[:20]
        context["amount"] = raw
        try:
            try:
                amount = parse_roubles(raw)
            except ValueError:
                raise DomainError(
                    "promised_amount",
                    _("A promised payment is from 0,01 to %(max)s."),
                    field="amount",
                    max=format_byn(limit),
                ) from None
            row = services.promised_start(
                subscriber=subscriber,
                user=request.user,
                session_key=_session_key(request),
                amount=amount,
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as exc:
            context["error"] = exc
            return render(request, "portal/finance/promised_new.html", context, status=exc.http_status)
        return redirect("portal:finance_promised_confirm", request_id=row.pending_request_id)
    return render(request, "portal/finance/promised_new.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def promised_confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    req = _own_pending(request, request_id, PROMISED_KIND)
    row = PromisedPayment.objects.filter(pending_request_id=req.pk, account_id=subscriber.account_id).first()
    if row is None:
        raise not_found()
    actor, now = Actor.from_request(request), clock.now()
    error = None
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                services.promised_cancel(
                    subscriber=subscriber, user=request.user, request_id=req.pk, actor=actor, now=now
                )
                messages.info(request, gettext("The promised payment is cancelled."))
                return redirect("portal:finance_promised")
            row = services.promised_confirm(
                subscriber=subscriber,
                user=request.user,
                request_id=req.pk,
                session_key=_session_key(request),
                actor=actor,
                now=now,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                gettext("The promised payment of %(amount)s is credited until %(until)s.")
                % {
                    "amount": format_byn(row.amount),
                    "until": clock.local(row.expires_at or now).strftime("%d.%m.%Y %H:%M"),
                },
            )
            return redirect("portal:finance_promised")
    row.refresh_from_db()
    context = _context(
        subscriber,
        "promised",
        row=row,
        amount=format_byn(row.amount),
        days=rules.get("PROMISED_PAYMENT_DAYS"),
        error=error,
    )
    return render(request, "portal/finance/promised_confirm.html", context, status=error.http_status if error else 200)


# FIN-6 ------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def refunds(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    now = clock.now()
    error = None
    status = 200
    form = {"payment": "", "right_number": ""}
    if request.method == "POST":
        form = {
            "payment": request.POST.get("payment", "")[:20],
            "right_number": request.POST.get("right_number", "")[:32],
        }
        try:
            if not form["payment"].isdigit():
                raise DomainError("refund_payment", _("Choose the payment."), field="payment")
            services.refund_request_create(
                subscriber=subscriber,
                payment_id=int(form["payment"]),
                right_number=form["right_number"],
                actor=Actor.from_request(request),
                now=now,
            )
        except DomainError as exc:
            error, status = exc, exc.http_status
        else:
            messages.success(request, gettext("The refund request is accepted. The result will come by SMS."))
            return redirect("portal:finance_refunds")
    payments = services.refundable_payments(account_id=subscriber.account_id, now=now)
    requests = services.refund_requests(account_id=subscriber.account_id)
    context = _context(
        subscriber,
        "refunds",
        payments=[(p, format_byn(p.amount)) for p in payments],
        requests=[(r, format_byn(r.amount), format_msisdn(r.right_msisdn)) for r in requests],
        form=form,
        error=error,
        refund_max=format_byn(to_kopecks(rules.get("REFUND_MAX"))),
        refund_days=rules.get("REFUND_DAYS"),
        refund_digits=rules.get("REFUND_MAX_DIGITS_DIFFERENT"),
        review_days=rules.get("REFUND_REVIEW_WORKING_DAYS"),
    )
    return render(request, "portal/finance/refunds.html", context, status=status)


urlpatterns = [
    path("finance/", finance_home, name="finance"),
    path("finance/history/", history, name="finance_history"),
    path("finance/installments/", installments, name="finance_installments"),
    path("finance/installments/confirm/<int:request_id>/", installment_confirm, name="finance_installment_confirm"),
    path("finance/promised/", promised_list, name="finance_promised"),
    path("finance/promised/new/", promised_new, name="finance_promised_new"),
    path("finance/promised/confirm/<int:request_id>/", promised_confirm, name="finance_promised_confirm"),
    path("finance/refunds/", refunds, name="finance_refunds"),
]
