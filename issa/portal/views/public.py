"""Pages for visitors who are not signed in: the start page (what ISSA is, how to get in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse

from issa.core import rules
from issa.core.phone import format_msisdn

# Where the start page's buttons lead, by the kind of user chosen (mobile or home and office).
# The first URL name that exists wins, so the page works while an area is still being built.
# Each target is a URL name and the query string it needs (the login page takes ?kind=home).
TARGETS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("login", "mobile"): (("portal:login", ""),),
    ("login", "home"): (("portal:home_login", ""), ("portal:login", "?kind=home")),
    ("register", "mobile"): (("portal:register", ""),),
    ("register", "home"): (("portal:register", ""),),
}


def _first_url(targets: tuple[tuple[str, str], ...]) -> str | None:
    for name, query in targets:
        try:
            return reverse(name) + query
        except NoReverseMatch:
            continue
    return None


def start(request: HttpRequest) -> HttpResponse:
    """The visitors' page. Its form (GET, works without JavaScript) sends ``go`` and ``kind``."""
    kind = "home" if request.GET.get("kind") == "home" else "mobile"
    go = request.GET.get("go", "")
    if go:
        target = _first_url(TARGETS.get((go, kind), ()))
        if target:
            return redirect(target)
    login = request.user.get_username() if request.user.is_authenticated else ""
    context = {
        "kind": kind,
        "signed_in_as": format_msisdn(login) if login.isdigit() else login,
        "password_min": rules.get("PASSWORD_MIN_LENGTH"),  # AUTH-3
        "password_max": rules.get("PASSWORD_MAX_LENGTH"),
        "answer_hours": rules.get("SUPPORT_ANSWER_HOURS"),  # SUP-2
    }
    return render(request, "portal/start.html", context)


urlpatterns = [
    path("", start, name="start"),
]
