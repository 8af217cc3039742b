"""The demo staff's current TOTP codes (development only): log in to /staff/ without a phone.

Shown only when the virtual phone is on AND the product runs in development (``ISSA_ENV``);
production never mounts /phone/ and this view refuses with 404 anyway. Only the demo logins of
issa/demo/loaders/staff.py are listed, and only while their device still has the published demo
key: a device enrolled by a person (a secret key) is never shown.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.backoffice.roles import ROLE_BY_KEY
from issa.backoffice.services import totp_code

from .loaders.staff import ALL_LOGINS, DEMO_STAFF, STAFF_PASSWORD, demo_key
from .loaders.users import ADMIN_DEFAULT_PASSWORD, ADMIN_LOGIN
from .views import _UnsavedSession


def codes_enabled() -> bool:
    return bool(settings.ISSA_VIRTUAL_PHONE) and settings.ISSA_ENV == "development"


def staff_codes_rows(at: float | None = None) -> list[dict[str, Any]]:
    """One row per demo staff login whose device still has the published key."""
    at = time.time() if at is None else at
    devices = {
        d.user.login: d
        for d in TOTPDevice.objects.select_related("user").filter(user__login__in=ALL_LOGINS, confirmed=True)
        if d.key == demo_key(d.user.login)
    }
    roles = {s.login: ROLE_BY_KEY[s.role].name for s in DEMO_STAFF}
    rows = []
    for login in ALL_LOGINS:
        device = devices.get(login)
        if device is None:
            continue
        rows.append(
            {
                "login": login,
                "role": roles.get(login, ""),
                "password": STAFF_PASSWORD if login != ADMIN_LOGIN else ADMIN_DEFAULT_PASSWORD,
                "code": totp_code(device, at),
                "superuser": login == ADMIN_LOGIN,
            }
        )
    return rows


def _context() -> dict[str, Any]:
    now = time.time()
    return {"rows": staff_codes_rows(now), "seconds_left": 30 - int(now) % 30}


@require_GET
@never_cache
def staff_codes(request: HttpRequest) -> HttpResponse:
    if not codes_enabled():
        raise Http404("Shown in development only.")
    if request.htmx:  # type: ignore[attr-defined]
        request.session = _UnsavedSession(request.session)  # type: ignore[assignment]  # a poll is no activity
        return render(request, "demo/partials/staff_codes.html", _context())
    return render(request, "demo/staff_codes.html", _context())
