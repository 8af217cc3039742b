"""Personal information (INFO-2), "Дополнительная информация" (INFO-3) and the SIM's PIN/PUK on an
explicit request (INFO-4). Everything is read through the logged-in user's own subscriber:
there is no id in any URL here, so nobody can ask for someone else's data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from issa.billing.info import additional_info, personal_info
from issa.core import clock
from issa.core.errors import not_found
from issa.identity.actor import Actor, client_ip
from issa.portal.menu import MenuItem, register
from issa.subscribers.models import Subscriber
from issa.subscribers.services import sim_reveal_codes

register(
    MenuItem(
        key="info",
        title=_("Personal information"),
        description=_("Tariff plan, balance, status, remaining minutes and traffic, PIN/PUK"),
        url_name="portal:info",
        order=10,
        kinds=frozenset({"mobile"}),  # HOME-1: a home line has its own contract page
    )
)


def own_subscriber(request: HttpRequest) -> Subscriber:
    """The signed-in user's own number; users without one (staff, home users) get 404."""
    subscriber_id = getattr(request.user, "subscriber_id", None)
    if subscriber_id is None:
        raise not_found()
    return Subscriber.objects.select_related("plan", "account__client").get(pk=subscriber_id)


@login_required
@require_GET
def personal(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    info = personal_info(subscriber=subscriber, user=request.user, now=clock.now())
    return render(request, "portal/info/personal.html", {"info": info, "tab": "personal"})


@login_required
@require_GET
def additional(request: HttpRequest) -> HttpResponse:
    subscriber = own_subscriber(request)
    info = additional_info(subscriber=subscriber, now=clock.now(), ip=client_ip(request))
    return render(request, "portal/info/additional.html", {"info": info, "tab": "additional"})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pin_puk(request: HttpRequest) -> HttpResponse:
    """GET leads back to the page: only the button's POST (an explicit request) shows the codes."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("portal:info") + "#pin-puk")
    subscriber = own_subscriber(request)
    codes = sim_reveal_codes(subscriber=subscriber, actor=Actor.from_request(request), now=clock.now())
    context: dict[str, Any] = {"codes": codes}
    template = "portal/info/_codes.html" if getattr(request, "htmx", False) else "portal/info/codes.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


urlpatterns = [
    path("info/", personal, name="info"),
    path("info/more/", additional, name="info_more"),
    path("info/pin-puk/", pin_puk, name="info_pin_puk"),
]
