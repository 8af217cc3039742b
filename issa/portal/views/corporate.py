"""The corporate cabinet (AUTH-11): an administrator or supervisor sees the client's numbers and
opens or closes their ISSA access. Only numbers of the role's own client are reachable; any other
number is "not found" (404), the same as a number that does not exist."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from issa.access import selectors, services
from issa.access.models import AccessBlock, CorporateRole
from issa.core import clock
from issa.core.errors import DomainError, not_found
from issa.identity.actor import Actor
from issa.portal.menu import MenuItem, register
from issa.subscribers.models import Subscriber

PAGE_SIZE = 50
REASON_LABELS = dict(AccessBlock.Reason.choices)


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
        raise not_found()  # the page does not exist for people without a role
    return role


@login_required
def numbers(request: HttpRequest) -> HttpResponse:
    role = _role(request)
    search = request.GET.get("q", "")[:64]
    status = request.GET.get("status", "")
    status = status if status in Subscriber.Status.values else ""
    access = request.GET.get("access", "")
    access = access if access in ("open", "closed") else ""
    found = selectors.corporate_numbers(role=role, search=search, status=status, access=access)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "role": role,
        "page": page,
        "rows": _decorate(role, page.object_list),
        "q": search,
        "status": status,
        "access": access,
        "statuses": [(value, label) for value, label in Subscriber.Status.choices if value != "closed"],
    }
    return render(request, "portal/corporate/numbers.html", context)


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
        row = _decorate(role, selectors.corporate_numbers(role=role).filter(pk=subscriber.pk))[0]
        context = {
            "s": row,
            "notice": error.text() if error else done,
            "notice_error": error is not None,
        }
        return render(request, "portal/corporate/_row.html", context)
    if error is not None:
        messages.error(request, error.text())
    else:
        messages.success(request, done)
    # Back to the same search: only the list's own parameters are carried over.
    kept = QueryDict(request.POST.get("back", "").lstrip("?")[:512]).dict()
    query = urlencode({k: v for k, v in kept.items() if k in ("q", "status", "access", "page") and v})
    return HttpResponseRedirect(reverse("portal:corporate") + (f"?{query}" if query else ""))


register(
    MenuItem(
        key="corporate",
        title=_("Corporate account"),
        description=_("Your organisation's numbers: their state and access to the personal account"),
        url_name="portal:corporate",
        order=90,
        visible=selectors.has_corporate_role,
    )
)

urlpatterns = [
    path("corporate/", numbers, name="corporate"),
    path("corporate/numbers/<str:msisdn>/access/", set_access, name="corporate_set_access"),
]
