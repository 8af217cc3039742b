"""Values every portal page may show: the contact centre, the registration USSD code, the demo switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from issa.core import rules


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "VIRTUAL_PHONE": settings.ISSA_VIRTUAL_PHONE,
        "CONTACT_CENTRE": rules.get("CONTACT_CENTRE"),
        "USSD_REGISTER": rules.get("USSD_REGISTER"),
    }
