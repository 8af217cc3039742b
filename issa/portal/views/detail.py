"""Call and SMS detail (BILL-3) and internet statistics (STAT-1..4), beside «Счета, детализация».

Detail: choose period, kind and direction → "Далее" → step-up: an SMS "M-code" (the OTP purpose
``step_up``), or the PUK1 for a tablet or modem → the table. The pass is kept in the session only
(a new login asks again). Only the signed-in user's own subscriber; closed on the 1st–3rd (BILL-4).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from issa.billing.bills import bills_window_check, period_label
from issa.core import clock
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber
from issa.usage.detail import (
    DIRECTION_LABELS,
    KIND_LABELS,
    detail_page,
    detail_periods,
    detail_query,
    detail_totals,
    step_up_start,
    step_up_uses_puk,
    step_up_verify,
)

SESSION_KEY = "issa_detail_stepup"


def own_subscriber(request: HttpRequest) -> Subscriber:
    """The caller's own subscriber; a user without one (staff, home) gets 404."""
    subscriber = getattr(request.user, "subscriber", None)
    if subscriber is None:
        raise not_found()
    return subscriber


uses_puk = step_up_uses_puk


def has_pass(request: HttpRequest, subscriber: Subscriber) -> bool:
    return request.session.get(SESSION_KEY) == subscriber.pk


def _choices(now: Any) -> dict[str, Any]:
    return {
        "periods": [{"key": p.key, "label": period_label(p.key)} for p in detail_periods(now=now)],
        "kinds": list(KIND_LABELS.items()),
        "directions": list(DIRECTION_LABELS.items()),
    }


def _table_url(params: dict[str, str]) -> str:
    return f"{reverse('portal:detail_table')}?{urlencode(params)}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The choice; "Далее" sends the M-code (or asks for the PUK1) unless the session has a pass."""
    now = clock.now()
    bills_window_check(now=now)
    subscriber = own_subscriber(request)
    context: dict[str, Any] = {**_choices(now), "selected": request.GET}
    if request.method == "POST":
        query = detail_query(request.POST, now=now)
        if has_pass(request, subscriber):
            return HttpResponseRedirect(_table_url(query.params()))
        step_up_start(subscriber=subscriber, actor=Actor.from_request(request), now=now)
        return render(
            request,
            "portal/detail/code.html",
            {"query": query.params(), "puk": uses_puk(subscriber), "msisdn": subscriber.msisdn},
        )
    return render(request, "portal/detail/start.html", context)


@never_cache
@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Check the M-code (or the PUK1); on success the session holds the pass."""
    now = clock.now()
    bills_window_check(now=now)
    subscriber = own_subscriber(request)
    query = detail_query(request.POST, now=now)
    actor = Actor.from_request(request)
    code = request.POST.get("code", "")
    try:
        step_up_verify(subscriber=subscriber, code=code, actor=actor, now=now)
    except DomainError as error:
        return render(
            request,
            "portal/detail/code.html",
            {"query": query.params(), "puk": uses_puk(subscriber), "msisdn": subscriber.msisdn, "error": error.text()},
            status=400 if error.kind == ErrorKind.INVALID else 429,
        )
    request.session.cycle_key()
    request.session[SESSION_KEY] = subscriber.pk
    return HttpResponseRedirect(_table_url(query.params()))


def _passed(request: HttpRequest) -> tuple[Subscriber, Any, Any] | HttpResponse:
    now = clock.now()
    bills_window_check(now=now)
    subscriber = own_subscriber(request)
    query = detail_query(request.GET, now=now)
    if not has_pass(request, subscriber):
        return HttpResponseRedirect(f"{reverse('portal:detail')}?{urlencode(query.params())}")
    return subscriber, query, now


@never_cache
@login_required
@require_GET
def table(request: HttpRequest) -> HttpResponse:
    passed = _passed(request)
    if isinstance(passed, HttpResponse):
        return passed
    subscriber, query, now = passed
    rows, cursor = detail_page(subscriber_id=subscriber.pk, query=query, now=now, after=request.GET.get("after", ""))
    totals = detail_totals(subscriber_id=subscriber.pk, query=query, now=now)
    params = query.params()
    context = {
        **_choices(now),
        "query": query,
        "params": params,
        "period_label": period_label(query.period),
        "kind_label": KIND_LABELS[query.kind],
        "direction_label": DIRECTION_LABELS[query.direction],
        "rows": rows,
        "totals": totals,
        "next_url": _table_url({**params, "after": cursor}) if cursor else "",
        "first_url": _table_url(params) if request.GET.get("after") else "",
        "export": urlencode(params),
    }
    return render(request, "portal/detail/table.html", context)


@never_cache
@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    from issa.usage.detail import detail_all
    from issa.usage.detail_documents import detail_pdf, detail_xlsx

    passed = _passed(request)
    if isinstance(passed, HttpResponse):
        return passed
    subscriber, query, now = passed
    rows = detail_all(subscriber_id=subscriber.pk, query=query, now=now)
    totals = detail_totals(subscriber_id=subscriber.pk, query=query, now=now)
    render_fn, mime = {
        "pdf": (detail_pdf, "application/pdf"),
        "xlsx": (detail_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    }[fmt]
    content = render_fn(msisdn=subscriber.msisdn, query=query, rows=rows, totals=totals)
    response = HttpResponse(content, content_type=mime)
    name = f"detail-{subscriber.msisdn}-{query.period}-{query.kind}-{query.direction}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def stats(request: HttpRequest) -> HttpResponse:
    """STAT-1..4: a day's traffic by service; each shown result counts against the daily limit."""
    from issa.usage.stats import stat_days, stat_remaining, stat_request

    now = clock.now()
    subscriber = own_subscriber(request)
    first, last = stat_days(now=now)
    context: dict[str, Any] = {"first": first, "last": last, "day": request.POST.get("day", last.isoformat())}
    status = 200
    if request.method == "POST":
        try:
            day, rows, _left = stat_request(subscriber_id=subscriber.pk, raw_day=request.POST.get("day", ""), now=now)
        except DomainError as error:
            context["error"] = error.text()
            status = 429 if error.kind == ErrorKind.RATE_LIMITED else 400
        else:
            context.update({"rows": rows, "chosen": day, "shown": True})
    context["remaining"] = stat_remaining(subscriber_id=subscriber.pk, now=now)
    return render(request, "portal/detail/stats.html", context, status=status)


urlpatterns = [
    path("calls/", start, name="detail"),
    path("internet/", stats, name="stats"),
    path("calls/verify/", verify, name="detail_verify"),
    path("calls/table/", table, name="detail_table"),
    re_path(r"^calls/export\.(?P<fmt>pdf|xlsx)$", export, name="detail_export"),
]
