"""Sub-pages of «Операции с ТП и услугами» for the number and its features:

* «Смена номера» (SVC-6): offered numbers, search by mask and category, a short reservation of
  the chosen number, then an order through the services area's confirmation flow;
* «Переадресация звонков» (SVC-11), «Голосовая почта (пакет «Плюс»)» (SVC-12) and «Настройки
  телефона» (SVC-10): forms that post their order to ``portal:services_order_new``.

Everything is read through the signed-in user's own subscriber (no ids in URLs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from issa.core import clock, rules
from issa.core.errors import DomainError
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.numbering import features, selectors, services
from issa.numbering.models import PoolNumber
from issa.numbering.patterns import Mask, parse_mask
from issa.orders import selectors as order_sel

from .services import _page, own_subscriber, register_tab

register_tab("number", _("Number change"), "portal:numbering_change", 60)
register_tab("settings", _("Phone settings"), "portal:numbering_settings", 70)
register_tab("forwarding", _("Call forwarding"), "portal:numbering_forwarding", 75)
register_tab("voicemail", _("Voicemail"), "portal:numbering_voicemail", 80)


def _category_filter(raw: str, codes: set[str]) -> str:
    raw = (raw or "").strip()
    return raw if raw in codes else ""


@login_required
@require_GET
def number_change(request: HttpRequest) -> HttpResponse:
    """The offered numbers (a page), or those matching the mask and the category."""
    subscriber = own_subscriber(request)
    now = clock.now()
    categories = selectors.categories()
    category = _category_filter(request.GET.get("category", ""), {c.code for c in categories})
    raw_mask = request.GET.get("mask", "").strip()[:32]
    mask: Mask | None = None
    mask_error = ""
    if raw_mask:
        try:
            mask = parse_mask(raw_mask)
        except DomainError as error:
            mask_error = error.text()
    found = (
        PoolNumber.objects.none()
        if mask_error
        else selectors.numbers_offered(now=now, category=category or None, mask=mask)
    )
    numbers = Paginator(found, selectors.page_size()).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "categories": [(c, selectors.category_price_kopecks(c)) for c in categories],
        "category": category,
        "mask": raw_mask,
        "mask_error": mask_error,
        "numbers": numbers,
        "query": query.urlencode(),
        "reservation": selectors.reservation_of(subscriber_id=subscriber.pk, now=now),
        "reservation_minutes": rules.get("NUMBER_RESERVATION_MINUTES"),
        "quarantine_days": rules.get("NUMBER_QUARANTINE_DAYS"),
        "searched": bool(raw_mask or category),
    }
    if context["reservation"] is not None:
        context["reservation_price"] = selectors.category_price_kopecks(context["reservation"].category)
    if getattr(request, "htmx", False):  # the search form swaps only the results
        return render(request, "portal/numbering/_results.html", context)
    return _page(request, "portal/numbering/change.html", "number", subscriber, **context)


def _back(request: HttpRequest, default: str) -> str:
    back = request.POST.get("back") or reverse(default)
    if not back.startswith("/") or back.startswith("//"):
        back = reverse(default)
    return back


@login_required
@require_POST
def number_reserve(request: HttpRequest) -> HttpResponse:
    """«Выбрать»: hold the number for this subscriber for a short time (SVC-6)."""
    subscriber = own_subscriber(request)
    try:
        number = services.number_reserve(
            subscriber=subscriber,
            msisdn=request.POST.get("msisdn", ""),
            actor=Actor.from_request(request),
            now=clock.now(),
        )
    except DomainError as error:
        messages.error(request, error.text())
        return HttpResponseRedirect(_back(request, "portal:numbering_change"))
    messages.success(
        request,
        _("The number %(number)s is reserved for you for %(minutes)s minutes.")
        % {"number": str(number), "minutes": rules.get("NUMBER_RESERVATION_MINUTES")},
    )
    return HttpResponseRedirect(reverse("portal:numbering_change") + "#reservation")


@login_required
@require_POST
def number_release(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    try:
        services.number_release(
            subscriber=subscriber,
            msisdn=request.POST.get("msisdn", ""),
            actor=Actor.from_request(request),
            now=clock.now(),
        )
    except DomainError as error:
        messages.error(request, error.text())
    return HttpResponseRedirect(reverse("portal:numbering_change"))


@login_required
@require_GET
def forwarding(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    now = clock.now()
    current = features.forwarding_state(subscriber=subscriber, now=now)
    rows = [
        (value, label, format_msisdn(current[value]) if current.get(value) else "")
        for value, label in features.Condition.choices
    ]
    return _page(
        request,
        "portal/numbering/forwarding.html",
        "forwarding",
        subscriber,
        rows=rows,
        current=current,
        conditions=features.Condition.choices,
    )


@login_required
@require_GET
def voicemail(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    now = clock.now()
    service = None
    price = 0
    try:
        service = features.voicemail_plus_service()
        price = order_sel.service_price(service=service, now=now)
    except DomainError:
        service = None
    return _page(
        request,
        "portal/numbering/voicemail.html",
        "voicemail",
        subscriber,
        state=features.voicemail_state(subscriber=subscriber, now=now),
        service=service,
        price=price,
    )


@login_required
@require_GET
def phone_settings(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    return _page(
        request,
        "portal/numbering/settings.html",
        "settings",
        subscriber,
        kinds=features.SettingsKind.choices,
    )


urlpatterns = [
    path("services/number/", number_change, name="numbering_change"),
    path("services/number/reserve/", number_reserve, name="numbering_reserve"),
    path("services/number/release/", number_release, name="numbering_release"),
    path("services/forwarding/", forwarding, name="numbering_forwarding"),
    path("services/voicemail/", voicemail, name="numbering_voicemail"),
    path("services/settings/", phone_settings, name="numbering_settings"),
]
