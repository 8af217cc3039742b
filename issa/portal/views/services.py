"""«Операции с ТП и услугами» (SVC-1..SVC-9, BSS-6): plans and their comparison, the subscriber's
services, Mobile Internet, the «Любимый» number, Pause, and orders with their history.

Every change goes through one generic flow: a form posts ``action`` and its parameters to
``portal:services_order``; the order is created as a draft tied to a pending request of this
session (AUTH-9) and a confirmation page shows its price and when it takes effect; «Подтвердить»
queues it for the worker and the order's page polls its state with htmx until it is done.
Other areas (number change, forwarding, voicemail, settings by SMS) post to the same URL with
their own action and register a tab with ``register_tab``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from issa.catalog.models import Service, TariffPlan
from issa.core import clock
from issa.core.errors import DomainError, not_found
from issa.identity.actor import Actor
from issa.orders import selectors as sel
from issa.orders.models import Order
from issa.orders.services import order_cancel, order_confirm, order_submit, own_order
from issa.portal.menu import MenuItem, register
from issa.subscribers.models import Subscriber

register(
    MenuItem(
        key="services",
        title=_("Tariff plan and services"),
        description=_("Change the tariff plan, connect or disconnect services, Mobile Internet, Pause"),
        url_name="portal:services",
        order=30,
        kinds=frozenset({"mobile"}),  # HOME-1: plan changes and service orders are for mobile numbers
    )
)


@dataclass(frozen=True)
class Tab:
    key: str
    title: Any
    url_name: str
    order: int


TABS: dict[str, Tab] = {}


def register_tab(key: str, title: Any, url_name: str, order: int) -> None:
    """A sub-page of «Операции с ТП и услугами» (other areas add theirs)."""
    TABS[key] = Tab(key, title, url_name, order)


register_tab("services", _("Subscriber's services"), "portal:services", 10)
register_tab("plans", _("Plan operations"), "portal:services_plans", 20)
register_tab("internet", _("Mobile Internet"), "portal:services_internet", 30)
register_tab("favourite", _("«Любимый» number"), "portal:services_favourite", 40)
register_tab("pause", _("Pause"), "portal:services_pause", 50)
register_tab("orders", _("Service orders"), "portal:services_orders", 90)

# Every other field of the form is a parameter of the action (its ``clean`` checks them).
NOT_PARAMS = frozenset({"csrfmiddlewaretoken", "action", "back"})
LIST_PARAMS = frozenset({"kinds"})


def own_subscriber(request: HttpRequest) -> Subscriber:
    subscriber_id = getattr(request.user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account__client").get(pk=subscriber_id)


def _page(request: HttpRequest, template: str, tab: str, subscriber: Subscriber, **context: Any) -> HttpResponse:
    now = clock.now()
    context.update(
        {
            "tabs": sorted(TABS.values(), key=lambda t: t.order),
            "tab": tab,
            "subscriber": subscriber,
            "paused": sel.is_paused(subscriber=subscriber, at=now),
            "open_orders": sel.orders_of(subscriber=subscriber).filter(state__in=Order.OPEN_STATES)[:5],
        }
    )
    return render(request, template, context)


@login_required
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    offers = sel.service_offers(
        subscriber=subscriber, now=clock.now(), kinds=(Service.Kind.OPTION, Service.Kind.PACKAGE)
    )
    return _page(
        request,
        "portal/services/services.html",
        "services",
        subscriber,
        connected=[o for o in offers if o.connected],
        available=[o for o in offers if not o.connected],
        products=sel.active_products(subscriber=subscriber, at=clock.now()),
    )


@login_required
@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    return _page(
        request,
        "portal/services/plans.html",
        "plans",
        subscriber,
        plans=sel.plans_for(subscriber=subscriber, now=clock.now()),
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    subscriber = own_subscriber(request)
    rows = [r for r in sel.plans_for(subscriber=subscriber, now=clock.now()) if r["plan"].code == code]
    if not rows:
        raise not_found()
    return _page(request, "portal/services/plan_detail.html", "plans", subscriber, row=rows[0])


@login_required
@require_GET
def plans_compare(request: HttpRequest) -> HttpResponse:
    """Side by side: the plans ticked on the list (all of them when none is)."""
    subscriber = own_subscriber(request)
    rows = sel.plans_for(subscriber=subscriber, now=clock.now())
    chosen = request.GET.getlist("plan")
    if chosen:
        rows = [r for r in rows if r["plan"].code in chosen]
    # the union of usage lines, so that every column has the same rows
    lines: dict[tuple[str, str, bool], Any] = {}
    for row in rows:
        for price in row["prices"]:
            lines.setdefault((price.kind, price.destination, price.outgoing), price)
    table = []
    for key, sample in sorted(lines.items()):
        cells = []
        for row in rows:
            found = next((p for p in row["prices"] if (p.kind, p.destination, p.outgoing) == key), None)
            cells.append(found.unit_price if found else None)
        table.append({"label": f"{sample.get_kind_display()}: {sample.get_destination_display()}", "cells": cells})
    return _page(request, "portal/services/compare.html", "plans", subscriber, rows=rows, table=table)


@login_required
@require_GET
def internet(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    offers = sel.service_offers(subscriber=subscriber, now=clock.now(), kinds=(Service.Kind.INTERNET,))
    return _page(
        request,
        "portal/services/internet.html",
        "internet",
        subscriber,
        offers=offers,
        current=next((o for o in offers if o.connected), None),
    )


@login_required
@require_GET
def favourite(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    from issa.orders.actions import favourite_service

    try:
        service: Service | None = favourite_service()
    except DomainError:
        service = None
    product = sel.active_product(subscriber=subscriber, service=service, at=clock.now()) if service else None
    allowed = service is not None and sel.plan_allows(plan=subscriber.plan, service=service)
    price = sel.service_price(service=service, now=clock.now()) if service else 0
    return _page(
        request,
        "portal/services/favourite.html",
        "favourite",
        subscriber,
        service=service,
        product=product,
        allowed=allowed,
        price=price,
    )


@login_required
@require_GET
def pause(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    return _page(request, "portal/services/pause.html", "pause", subscriber)


@login_required
@require_POST
def order_new(request: HttpRequest) -> HttpResponse:
    """Step 1: a draft order and its confirmation page (price, when it takes effect)."""
    subscriber = own_subscriber(request)
    action = request.POST.get("action", "")
    params: dict[str, Any] = {}
    for name in request.POST:
        if name in NOT_PARAMS:
            continue
        values = request.POST.getlist(name)
        params[name] = values if len(values) > 1 or name in LIST_PARAMS else values[0]
    back = request.POST.get("back") or reverse("portal:services")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("portal:services")
    if not request.session.session_key:
        request.session.save()
    try:
        order = order_submit(
            subscriber=subscriber,
            action=action,
            params=params,
            actor=Actor.from_request(request),
            now=clock.now(),
            session_key=request.session.session_key,
        )
    except DomainError as error:
        messages.error(request, error.text())
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(reverse("portal:services_order", args=[order.pk]))


@login_required
@require_POST
def order_confirm_view(request: HttpRequest, order_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    try:
        order_confirm(
            subscriber=subscriber,
            order_id=order_id,
            actor=Actor.from_request(request),
            now=clock.now(),
            session_key=request.session.session_key or "",
        )
    except DomainError as error:
        if error.code == "not_found":
            raise
        messages.error(request, error.text())
    else:
        messages.success(request, _("The order is accepted. Changes take effect within 24 hours."))
    return HttpResponseRedirect(reverse("portal:services_order", args=[order_id]))


@login_required
@require_POST
def order_cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    try:
        order_cancel(subscriber=subscriber, order_id=order_id, actor=Actor.from_request(request), now=clock.now())
    except DomainError as error:
        if error.code == "not_found":
            raise
        messages.error(request, error.text())
    return HttpResponseRedirect(reverse("portal:services_order", args=[order_id]))


def _order_context(order: Order) -> dict[str, Any]:
    from issa.orders.registry import ACTIONS

    action = ACTIONS.get(order.action)
    return {"order": order, "events": list(order.events.all()), "action_title": action.title if action else ""}


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    order = own_order(subscriber=subscriber, order_id=order_id)
    return _page(request, "portal/services/order.html", "orders", subscriber, **_order_context(order))


@login_required
@require_GET
def order_state(request: HttpRequest, order_id: int) -> HttpResponse:
    """The htmx poll: the state and history block; it stops polling once the order is done."""
    subscriber = own_subscriber(request)
    order = own_order(subscriber=subscriber, order_id=order_id)
    response = render(request, "portal/services/_order_state.html", _order_context(order))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    return _page(
        request,
        "portal/services/orders.html",
        "orders",
        subscriber,
        orders=sel.orders_of(subscriber=subscriber)[:100],
    )


__all__ = ["TABS", "TariffPlan", "register_tab"]

urlpatterns = [
    path("services/", services, name="services"),
    path("services/plans/", plans, name="services_plans"),
    path("services/plans/compare/", plans_compare, name="services_plans_compare"),
    path("services/plans/<slug:code>/", plan_detail, name="services_plan"),
    path("services/internet/", internet, name="services_internet"),
    path("services/favourite/", favourite, name="services_favourite"),
    path("services/pause/", pause, name="services_pause"),
    path("services/order/", order_new, name="services_order_new"),
    path("services/orders/", orders, name="services_orders"),
    path("services/orders/<int:order_id>/", order_detail, name="services_order"),
    path("services/orders/<int:order_id>/state/", order_state, name="services_order_state"),
    path("services/orders/<int:order_id>/confirm/", order_confirm_view, name="services_order_confirm"),
    path("services/orders/<int:order_id>/cancel/", order_cancel_view, name="services_order_cancel"),
]
