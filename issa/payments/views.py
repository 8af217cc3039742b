"""The acquirer's server-to-server callback (FIN-5): the only way a card payment is credited."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from issa.core import clock
from issa.identity.actor import client_ip

from .services import callback_receive


@csrf_exempt  # authenticated by the HMAC signature instead of a session
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    result = callback_receive(
        body=request.body,
        signature=request.headers.get("X-Signature", ""),
        remote_ip=client_ip(request),
        now=clock.now(),
    )
    return JsonResponse(result.body(), status=result.status)
