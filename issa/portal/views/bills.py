"""«Счета, детализация»: bills of the last 6 months and the current period (BILL-1), the cost of
services this month with "Подробно" (BILL-2), a spending chart, PDF/Excel downloads, re-sending a
bill to the contract e-mail (BILL-5), the history of regular delivery (BILL-6) and the change of
delivery method and address with a confirmation step (BILL-7). Closed from the 1st to the 3rd
(BILL-4). Every page reads through ``bill_account``: the user's own account, or an account of a
client a corporate administrator manages (``?account=<number>``); anything else is 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from issa.billing.bills import (
    bill_account,
    bill_get,
    bill_view,
    bills_list,
    bills_window_check,
    current_view,
    history_periods,
    period_label,
    spending,
    spending_svg,
)
from issa.billing.delivery import (
    Method,
    bill_resend,
    delivery_change_cancel,
    delivery_change_confirm,
    delivery_change_start,
    delivery_current,
    delivery_history,
)
from issa.billing.documents import bill_document
from issa.core import clock
from issa.core.errors import DomainError, not_found
from issa.customers.models import Account
from issa.identity.actor import Actor
from issa.portal.menu import MenuItem, register

register(
    MenuItem(
        key="bills",
        title=_("Bills, detail"),
        description=_("Bills and charges for 6 months, cost of services this month, bill delivery"),
        url_name="portal:bills",
        order=40,
    )
)


def _account(request: HttpRequest) -> Account:
    return bill_account(user=request.user, account_number=request.GET.get("account") or request.POST.get("account"))


def _suffix(request: HttpRequest, account: Account) -> str:
    own = request.GET.get("account") or request.POST.get("account")
    return f"?account={account.number}" if own else ""


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    bills_window_check(now=now)
    account = _account(request)
    bills = bills_list(account=account, now=now)
    current = current_view(account=account, now=now)
    chart = spending_svg(spending(bills=bills, current=current))
    issued = {b.period for b in bills}
    periods = [
        {"key": p.key, "label": period_label(p.key), "billed": p.key in issued} for p in history_periods(now=now)
    ]
    context: dict[str, Any] = {
        "account": account,
        "suffix": _suffix(request, account),
        "current": current,
        "bills": [bill_view(b, account) for b in bills],
        "periods": periods,
        "chart": mark_safe(chart),  # noqa: S308 — built from numbers and escaped labels (bills.spending_svg)
        "delivery": delivery_current(account=account, at=now),
        "contract_email": account.client.email,
    }
    return render(request, "portal/bills/index.html", context)


def _view_for(request: HttpRequest, period: str) -> Any:
    now = clock.now()
    bills_window_check(now=now)
    account = _account(request)
    if period == "current":
        return account, current_view(account=account, now=now)
    return account, bill_view(bill_get(account=account, period_key=period, now=now), account)


@login_required
@require_GET
def detail(request: HttpRequest, period: str) -> HttpResponse:
    """The breakdown of one bill, or of the current period ("Подробно")."""
    account, view = _view_for(request, period)
    return render(
        request, "portal/bills/detail.html", {"view": view, "account": account, "suffix": _suffix(request, account)}
    )


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    _account_obj, view = _view_for(request, period)
    name, content, mime = bill_document(view, fmt, language=getattr(request, "LANGUAGE_CODE", "ru") or "ru")
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """BILL-5: the chosen period's bill again, to the contract e-mail."""
    account = _account(request)
    period = request.POST.get("period", "")
    bill_resend(account=account, period_key=period, actor=Actor.from_request(request), now=clock.now())
    return render(
        request,
        "portal/bills/done.html",
        {
            "message": _("The bill for %(period)s has been sent to %(email)s.")
            % {"period": period_label(period), "email": account.client.email},
            "suffix": _suffix(request, account),
        },
    )


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """BILL-6: regular deliveries; not shown for the group "Получает сам"."""
    now = clock.now()
    bills_window_check(now=now)
    account = _account(request)
    rows = delivery_history(account=account, now=now)
    return render(
        request,
        "portal/bills/history.html",
        {"rows": rows, "account": account, "suffix": _suffix(request, account), "period_label": period_label},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest) -> HttpResponse:
    """BILL-7, step 1: the method (e-mail or in person), the address and the Excel option."""
    now = clock.now()
    bills_window_check(now=now)
    account = _account(request)
    current = delivery_current(account=account, at=now)
    form: dict[str, Any] = {"method": current.method, "email": current.email, "excel": current.excel}
    error = None
    if request.method == "POST":
        form = {
            "method": request.POST.get("method", ""),
            "email": request.POST.get("email", ""),
            "excel": bool(request.POST.get("excel")),
        }
        try:
            req = delivery_change_start(
                account=account,
                user=request.user,
                session_key=request.session.session_key or "",
                actor=Actor.from_request(request),
                now=now,
                **form,
            )
        except DomainError as exc:
            if exc.field is None:
                raise
            error = exc
        else:
            return HttpResponseRedirect(
                reverse("portal:bills_delivery_confirm", args=[req.pk]) + _suffix(request, account)
            )
    return render(
        request,
        "portal/bills/delivery.html",
        {
            "form": form,
            "error": error,
            "current": current,
            "methods": Method.choices,
            "account": account,
            "suffix": _suffix(request, account),
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delivery_confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    """BILL-7, step 2: "Подтвердить" or "Отмена"."""
    from issa.identity.models import PendingRequest

    now = clock.now()
    bills_window_check(now=now)
    account = _account(request)
    req = PendingRequest.objects.filter(
        pk=request_id, user_id=request.user.pk or 0, kind="billing.delivery_change"
    ).first()
    if req is None or req.payload.get("account") != account.pk:
        raise not_found()
    suffix = _suffix(request, account)
    if request.method == "POST":
        actor = Actor.from_request(request)
        if request.POST.get("action") == "cancel":
            delivery_change_cancel(user=request.user, request_id=req.pk, actor=actor, now=now)
            return HttpResponseRedirect(reverse("portal:bills") + suffix)
        delivery_change_confirm(
            account=account,
            user=request.user,
            session_key=request.session.session_key or "",
            request_id=req.pk,
            actor=actor,
            now=now,
        )
        return render(
            request, "portal/bills/done.html", {"message": _("Bill delivery has been changed."), "suffix": suffix}
        )
    return render(
        request,
        "portal/bills/delivery_confirm.html",
        {
            "req": req,
            "method_label": Method(req.payload["method"]).label,
            "payload": req.payload,
            "suffix": suffix,
        },
    )


urlpatterns = [
    path("bills/", index, name="bills"),
    path("bills/history/", history, name="bills_history"),
    path("bills/delivery/", delivery, name="bills_delivery"),
    path("bills/delivery/<int:request_id>/", delivery_confirm, name="bills_delivery_confirm"),
    path("bills/resend/", resend, name="bills_resend"),
    path("bills/<str:period>/", detail, name="bills_detail"),
    re_path(r"^bills/(?P<period>current|\d{4}-\d{2})\.(?P<fmt>pdf|xlsx)$", download, name="bills_download"),
]
