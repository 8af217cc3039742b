"""Values every portal page may show: the contact centre, the registration USSD code, the demo switch;
``for_kind`` (which pages serve the user's kind of login, HOME-1) and ``header_items`` (menu items
linked from the header, e.g. the corporate cabinet; computed only when a page shows the header)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from issa.core import rules

from . import menu


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "VIRTUAL_PHONE": settings.ISSA_VIRTUAL_PHONE,
        "CONTACT_CENTRE": rules.get("CONTACT_CENTRE"),
        "USSD_REGISTER": rules.get("USSD_REGISTER"),
        "for_kind": menu.ForKind(getattr(request, "user", None)),
        "header_items": SimpleLazyObject(lambda: menu.header_items(getattr(request, "user", None))),
    }
