"""The HTTP endpoint a USSD gateway calls. Contract in docs/ussd.md.

POST /ussd/gateway  (header ``X-Ussd-Token``; JSON body)
    {"session_id": "gw-123", "msisdn": "375291234567", "text": "*100#"}
-> 200 {"text": "Баланс: 12,34 руб.", "end": true}

The first request of a session carries the dialled string; each later request of the same
session carries what the subscriber typed in answer.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from issa.core import clock, crypto
from issa.core.errors import DomainError
from issa.core.phone import parse_msisdn
from issa.identity.actor import client_ip

from .dispatch import handle


@csrf_exempt  # a server-to-server call authenticated by its token, not a browser form
@require_POST
def gateway(request: HttpRequest) -> JsonResponse:
    token = request.headers.get("X-Ussd-Token", "")
    if not crypto.same(token, settings.ISSA_USSD_TOKEN):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        body = json.loads(request.body or b"{}")
        session_id = str(body["session_id"])[:64]
        text = str(body["text"])[:182]
        msisdn = parse_msisdn(str(body["msisdn"]))
    except (ValueError, KeyError, TypeError, DomainError):
        return JsonResponse({"error": "bad_request"}, status=400)
    reply = handle(session_id=session_id, msisdn=msisdn, text=text, now=clock.now(), ip=client_ip(request))
    return JsonResponse({"text": reply.text, "end": reply.end})
