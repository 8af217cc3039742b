"""The corporate cabinet (AUTH-11): an administrator or supervisor sees the client's numbers (search,
filters by plan, status and access, export to Excel), their balances and spending (FINANCE), opens
or closes their ISSA access (ACCESS), and connects or disconnects their services (SERVICES) through
the same orders services and confirmation step as the subscriber's own page.

Only numbers of the role's own client are reachable; any other number is "not found" (404), the
same as a number that does not exist. What the role may do is asked of one guard,
``selectors.corporate_right_refusal``, which the services enforce again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from issa.access import selectors, services
from issa.access.exports import XLSX, corporate_numbers_xlsx
from issa.access.models import AccessBlock, CorporateRole
from issa.access.services_corporate import SERVICE_ACTIONS
from issa.catalog.models import Service
from issa.core import clock
from issa.core.errors import DomainError, not_found
from issa.identity.actor import Actor
from issa.orders import selectors as orders_selectors
from issa.portal.menu import MenuItem, register
from issa.subscribers.models import Subscriber

PAGE_SIZE = 50
REASON_LABELS = dict(AccessBlock.Reason.choices)
LIST_PARAMS = ("q", "status", "access", "plan", "page")
Right = CorporateRole.Right


def _decorate(role: CorporateRole, rows: Any) -> list[Any]:
    """What each card offers: the services' own refusal rule decides (selectors.corporate_refusal);
    a number closed by someone else (the subscriber, the operator) shows why and offers nothing."""
    decorated = list(rows)
    for s in decorated:
        refusal = selectors.corporate_refusal(
            role=role, subscriber_id=s.pk, holder_is_administrator=s.holder_is_administrator
        )
        s.reason_label = REASON_LABELS.get(s.access_reason, "")
        s.can_open = refusal is None and s.closed_by_corporate
        s.can_close = refusal is None and not s.access_closed
    return decorated


def _role(request: HttpRequest) -> CorporateRole:
    role = selectors.corporate_role_for(user=request.user)
    if role is None:
        raise not_found()  # the cabinet does not exist for people without a role
    return role


def _filters(request: HttpRequest) -> dict[str, str]:
    status = request.GET.get("status", "")
    access = request.GET.get("access", "")
    return {
        "q": request.GET.get("q", "")[:64],
        "status": status if status in Subscriber.Status.values else "",
        "access": access if access in ("open", "closed") else "",
        "plan": request.GET.get("plan", "")[:40],
    }


def _numbers(role: CorporateRole, filters: dict[str, str], *, finance: bool) -> QuerySet[Subscriber]:
    """The client's numbers for the list and the export; money only with the FINANCE right."""
    found = selectors.corporate_numbers(
        role=role, search=filters["q"], status=filters["status"], access=filters["access"], plan=filters["plan"]
    )
    return selectors.with_money(found, now=clock.now()) if finance else found


@login_required
@require_GET
def numbers(request: HttpRequest) -> HttpResponse:
    role = _role(request)
    filters = _filters(request)
    finance = selectors.corporate_may(role=role, right=Right.FINANCE)
    page = Paginator(_numbers(role, filters, finance=finance), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    context: dict[str, Any] = {
        "role": role,
        "page": page,
        "rows": _decorate(role, page.object_list),
        **filters,
        "query": query,
        "finance": finance,
        "plans": selectors.corporate_plans(role=role),
        "statuses": [(value, label) for value, label in Subscriber.Status.choices if value != "closed"],
    }
    return render(request, "portal/corporate/numbers.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    """The filtered list as .xlsx (audited); the money columns only with the FINANCE right."""
    role = _role(request)
    filters = _filters(request)
    finance = selectors.corporate_may(role=role, right=Right.FINANCE)
    now = clock.now()
    rows = _numbers(role, filters, finance=finance).iterator(chunk_size=500)
    title = f"{role.client.name} — {clock.local(now):%d.%m.%Y %H:%M}"
    out, count = corporate_numbers_xlsx(numbers=rows, finance=finance, title=title)
    services.corporate_export_record(
        role=role, filters=filters, count=count, finance=finance, actor=Actor.from_request(request), now=now
    )
    filename = f"numbers-{clock.local(now):%Y-%m-%d}.xlsx"
    response = FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def set_access(request: HttpRequest, msisdn: str) -> HttpResponse:
    role = _role(request)
    subscriber = selectors.corporate_number(role=role, msisdn=msisdn)  # another client's -> 404
    action = request.POST.get("action", "")
    if action not in ("open", "close"):
        raise DomainError("invalid_action", _("Choose whether to open or close access."))
    error: DomainError | None = None
    try:
        services.access_set_by_corporate(
            role=role, subscriber=subscriber, open=action == "open", actor=Actor.from_request(request), now=clock.now()
        )
    except DomainError as exc:
        if exc.http_status == 404:
            raise
        error = exc
    done = (_("Access of %(number)s is open.") if action == "open" else _("Access of %(number)s is closed.")) % {
        "number": subscriber
    }
    if getattr(request, "htmx", False):
        finance = selectors.corporate_may(role=role, right=Right.FINANCE)
        only = selectors.corporate_numbers(role=role).filter(pk=subscriber.pk)
        row = _decorate(role, selectors.with_money(only, now=clock.now()) if finance else only)[0]
        context = {
            "s": row,
            "finance": finance,
            "card": request.POST.get("card") == "1",
            "notice": error.text() if error else done,
            "notice_error": error is not None,
        }
        return render(request, "portal/corporate/_row.html", context)
    if error is not None:
        messages.error(request, error.text())
    else:
        messages.success(request, done)
    if request.POST.get("card") == "1":
        return HttpResponseRedirect(reverse("portal:corporate_number", args=[subscriber.msisdn]))
    # Back to the same search: only the list's own parameters are carried over.
    kept = QueryDict(request.POST.get("back", "").lstrip("?")[:512]).dict()
    query = urlencode({k: v for k, v in kept.items() if k in LIST_PARAMS and v})
    return HttpResponseRedirect(reverse("portal:corporate") + (f"?{query}" if query else ""))


# --- a number's card: its state, plan and services -------------------------------------------------


def _number(role: CorporateRole, msisdn: str, *, finance: bool) -> Any:
    """One of the client's numbers with the list's annotations (another client's: 404)."""
    only = selectors.corporate_numbers(role=role).filter(msisdn=msisdn)
    found = (selectors.with_money(only, now=clock.now()) if finance else only).first()
    if found is None:
        raise not_found()
    return _decorate(role, [found])[0]


@login_required
@require_GET
def number_card(request: HttpRequest, msisdn: str) -> HttpResponse:
    role = _role(request)
    finance = selectors.corporate_may(role=role, right=Right.FINANCE)
    number = _number(role, msisdn, finance=finance)
    now = clock.now()
    offers = orders_selectors.service_offers(
        subscriber=number, now=now, kinds=(Service.Kind.OPTION, Service.Kind.PACKAGE)
    )
    may_services = selectors.corporate_may(role=role, right=Right.SERVICES)
    context: dict[str, Any] = {
        "role": role,
        "s": number,
        "finance": finance,
        "may_services": may_services,
        "connected": [o for o in offers if o.connected],
        "available": [o for o in offers if not o.connected],
        "orders": (
            list(orders_selectors.orders_of(subscriber=number).filter(action__in=SERVICE_ACTIONS)[:5])
            if may_services
            else []
        ),
        "paused": orders_selectors.is_paused(subscriber=number, at=now),
    }
    return render(request, "portal/corporate/number.html", context)


@login_required
@require_POST
def order_new(request: HttpRequest, msisdn: str) -> HttpResponse:
    """Step 1, the same as the subscriber's: a draft order and its confirmation page."""
    role = _role(request)
    number = selectors.corporate_number(role=role, msisdn=msisdn)  # another client's -> 404
    if not request.session.session_key:
        request.session.save()
    try:
        order = services.corporate_order_submit(
            role=role,
            subscriber=number,
            action=request.POST.get("action", ""),
            params={"service": request.POST.get("service", "")},
            actor=Actor.from_request(request),
            now=clock.now(),
            session_key=request.session.session_key,
        )
    except DomainError as error:
        if error.http_status == 404:
            raise
        messages.error(request, error.text())
        return HttpResponseRedirect(reverse("portal:corporate_number", args=[number.msisdn]))
    return HttpResponseRedirect(reverse("portal:corporate_order", args=[number.msisdn, order.pk]))


def _order_context(role: CorporateRole, number: Subscriber, order_id: int) -> dict[str, Any]:
    order = services.corporate_order(role=role, subscriber=number, order_id=order_id)
    return {"role": role, "s": number, "order": order, "events": list(order.events.all())}


@login_required
@require_GET
def order_detail(request: HttpRequest, msisdn: str, order_id: int) -> HttpResponse:
    role = _role(request)
    number = selectors.corporate_number(role=role, msisdn=msisdn)
    return render(request, "portal/corporate/order.html", _order_context(role, number, order_id))


@login_required
@require_GET
def order_state(request: HttpRequest, msisdn: str, order_id: int) -> HttpResponse:
    """The htmx poll of the order's state; it stops once the order is done."""
    role = _role(request)
    number = selectors.corporate_number(role=role, msisdn=msisdn)
    response = render(request, "portal/corporate/_order_state.html", _order_context(role, number, order_id))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def order_confirm(request: HttpRequest, msisdn: str, order_id: int) -> HttpResponse:
    role = _role(request)
    number = selectors.corporate_number(role=role, msisdn=msisdn)
    try:
        services.corporate_order_confirm(
            role=role,
            subscriber=number,
            order_id=order_id,
            actor=Actor.from_request(request),
            now=clock.now(),
            session_key=request.session.session_key or "",
        )
    except DomainError as error:
        if error.http_status == 404:
            raise
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("The order is accepted. Changes take effect within 24 hours."))
    return HttpResponseRedirect(reverse("portal:corporate_order", args=[number.msisdn, order_id]))


@login_required
@require_POST
def order_cancel(request: HttpRequest, msisdn: str, order_id: int) -> HttpResponse:
    role = _role(request)
    number = selectors.corporate_number(role=role, msisdn=msisdn)
    try:
        services.corporate_order_cancel(
            role=role, subscriber=number, order_id=order_id, actor=Actor.from_request(request), now=clock.now()
        )
    except DomainError as error:
        if error.http_status == 404:
            raise
        messages.error(request, error.text())
    return HttpResponseRedirect(reverse("portal:corporate_order", args=[number.msisdn, order_id]))


register(
    MenuItem(
        key="corporate",
        title=_("Corporate account"),
        description=_(
            "Your organisation's numbers: their state, services, balances and access to the personal account"
        ),
        url_name="portal:corporate",
        order=90,
        visible=selectors.has_corporate_role,
        header=True,  # reachable from the header on every page, also on a phone
    )
)

urlpatterns = [
    path("corporate/", numbers, name="corporate"),
    path("corporate/export.xlsx", export, name="corporate_export"),
    path("corporate/numbers/<str:msisdn>/", number_card, name="corporate_number"),
    path("corporate/numbers/<str:msisdn>/access/", set_access, name="corporate_set_access"),
    path("corporate/numbers/<str:msisdn>/order/", order_new, name="corporate_order_new"),
    path("corporate/numbers/<str:msisdn>/orders/<int:order_id>/", order_detail, name="corporate_order"),
    path("corporate/numbers/<str:msisdn>/orders/<int:order_id>/state/", order_state, name="corporate_order_state"),
    path(
        "corporate/numbers/<str:msisdn>/orders/<int:order_id>/confirm/", order_confirm, name="corporate_order_confirm"
    ),
    path("corporate/numbers/<str:msisdn>/orders/<int:order_id>/cancel/", order_cancel, name="corporate_order_cancel"),
]
