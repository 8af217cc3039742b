"""Home and office users (HOME-1): «Мой договор» (contract, client, address, tariff, balance,
state) and «Трафик» (volume by day and by month, from the rated usage records).

A home user is an ISSA login of kind ``home`` (``h1000001``…) bound to one fixed-internet line (a
``Subscriber`` on a plan of kind ``home``). Everything is read through the signed-in user's own
line: there is no id in any URL here, so nobody reaches another contract. Balance, bills,
payments and top-up are the same pages and services as for a mobile number (billing, finance,
payments); these two pages reuse their selectors (``issa.billing.info``, ``issa.usage.traffic``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from issa.billing.info import period_charges, personal_info
from issa.catalog.selectors import plan_terms_at
from issa.core import clock
from issa.core.errors import not_found
from issa.core.money import format_byn, to_kopecks
from issa.core.phone import format_msisdn
from issa.portal.menu import HOME, MenuItem, only_for, register
from issa.subscribers.models import Subscriber
from issa.usage.detail import detail_periods
from issa.usage.traffic import traffic_of, traffic_svg

register(
    MenuItem(
        key="home_contract",
        title=pgettext_lazy("home", "My contract"),
        description=_("Contract, client and address, tariff plan, balance and state of the line"),
        url_name="portal:home_contract",
        order=10,
        kinds=HOME,
    )
)
register(
    MenuItem(
        key="home_traffic",
        title=pgettext_lazy("home", "Traffic"),
        description=_("Internet traffic of your line by day and by month"),
        url_name="portal:home_traffic",
        order=20,
        kinds=HOME,
    )
)


def own_line(request: HttpRequest) -> Subscriber:
    """The signed-in home user's own line; anyone else (no line, another kind) gets 404."""
    subscriber_id = getattr(request.user, "subscriber_id", None)
    if subscriber_id is None or getattr(request.user, "kind", None) != "home":
        raise not_found()
    return Subscriber.objects.select_related("plan", "account__client").get(pk=subscriber_id)


@login_required
@only_for(HOME)
@require_GET
def contract(request: HttpRequest) -> HttpResponse:
    """«Мой договор»: the contract (account) and its client, the line, tariff, balance, state."""
    now = clock.now()
    line = own_line(request)
    info = personal_info(subscriber=line, user=request.user, now=now)
    previous = clock.period_of(now).previous()
    terms = plan_terms_at(plan_id=line.plan_id, at=now)
    account = line.account
    month = traffic_of(
        subscriber_id=line.pk, periods=[clock.period_of(now)], month=clock.period_of(now), now=now
    ).month_total
    context: dict[str, Any] = {
        "info": info,
        "previous_charges": format_byn(
            period_charges(account_id=line.account_id, start=previous.start, end=previous.end)
        ),
        "line": line,
        "account": account,
        "client": account.client,
        "login": request.user.get_username(),
        "number": format_msisdn(line.msisdn),
        "fee": format_byn(to_kopecks(terms.fee)) if terms is not None else "",
        "fee_period": line.plan.get_fee_period_display(),
        "credit_limit": format_byn(account.credit_limit) if account.credit_limit else "",
        "month_traffic": month,
        "previous_label": _period_label(previous.key),
    }
    return render(request, "portal/home/contract.html", context)


def _period_label(key: str) -> str:
    from issa.billing.bills import period_label

    return period_label(key)


@login_required
@only_for(HOME)
@require_GET
def traffic(request: HttpRequest) -> HttpResponse:
    """«Трафик»: the chosen month by day (``?month=YYYY-MM``, the current one by default) and the
    current and six previous months, each as a chart and a table."""
    now = clock.now()
    line = own_line(request)
    periods = detail_periods(now=now)  # the current period first, then the previous ones
    chosen = next((p for p in periods if p.key == request.GET.get("month")), periods[0])
    data = traffic_of(subscriber_id=line.pk, periods=periods, month=chosen, now=now)
    context: dict[str, Any] = {
        "line": line,
        "number": format_msisdn(line.msisdn),
        "traffic": data,
        "periods": [{"key": p.key, "label": _period_label(p.key)} for p in periods],
        "chosen": chosen.key,
        "chosen_label": _period_label(chosen.key),
        # built from numbers and escaped labels (issa.usage.traffic.traffic_svg)
        "days_chart": mark_safe(traffic_svg(data.days, label=_("Traffic by day"), short=True)),  # noqa: S308
        "months_chart": mark_safe(traffic_svg(data.months, label=_("Traffic by month"))),  # noqa: S308
    }
    return render(request, "portal/home/traffic.html", context)


urlpatterns = [
    path("home-office/contract/", contract, name="home_contract"),
    path("home-office/traffic/", traffic, name="home_traffic"),
]
