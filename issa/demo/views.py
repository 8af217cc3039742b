"""The virtual phone (development and demo only): a handset on a web page.

Pick a demo number, read its SMS inbox live, dial USSD strings and answer prompts. Dialling goes
through the *real* USSD gateway endpoint over HTTP, exactly as an operator's USSD gateway would
call it, so every USSD flow of the product (``*100#``, ``*141*0#`` …) can be tried without a phone.

Production never serves it: the URLs are only mounted when ``settings.ISSA_VIRTUAL_PHONE`` is on,
and every view refuses with 404 when it is off.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from issa.catalog.models import TariffPlan
from issa.core.errors import DomainError
from issa.core.phone import format_msisdn, parse_msisdn
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber

PICKER_SIZE = 50  # numbers offered in the select; any other is reachable through the search field
INBOX_SIZE = 30  # newest messages shown
GATEWAY_TIMEOUT = 15  # seconds
MAX_USSD = 182  # what one USSD message can carry (issa.ussd.dispatch.MAX_REPLY)
SESSION_KEY = "virtual_phone_ussd"  # the open USSD dialogue of this browser: {session_id, msisdn}
USSD_REQUEST = re.compile(r"^\*[0-9*]*#$")


@dataclass
class UssdScreen:
    """What the phone's screen shows after a dial or an answer."""

    request: str
    text: str
    end: bool
    failed: bool = False


def _require_enabled() -> None:
    if not settings.ISSA_VIRTUAL_PHONE:
        raise Http404("The virtual phone is switched off.")


def _chosen_msisdn(raw: str | None) -> str:
    """The number the phone acts as: an existing subscriber's number as given, or any Belarusian
    mobile number in any usual format (DomainError(invalid_msisdn) otherwise)."""
    raw = (raw or "").strip()
    if raw.isdigit() and Subscriber.objects.filter(msisdn=raw).exists():
        return raw
    return parse_msisdn(raw)


def _picker() -> list[dict[str, str]]:
    """The first mobile numbers of the demo operator, each labelled with its client and plan.

    Home-and-office lines are left out: they are fixed lines with no handset to act as.
    """
    subscribers = (
        Subscriber.objects.select_related("account__client", "plan")
        .exclude(plan__kind=TariffPlan.Kind.HOME)
        .order_by("msisdn")[:PICKER_SIZE]
    )
    return [
        {"msisdn": s.msisdn, "label": f"{format_msisdn(s.msisdn)} · {s.account.client.name} · {s.plan.name}"}
        for s in subscribers
    ]


def _inbox(msisdn: str) -> list[SmsMessage]:
    # Read the outbox directly: this is the subscriber's own handset, so sensitive messages
    # (codes, passwords) are shown in clear here, as a real phone would show them.
    return list(SmsMessage.objects.filter(msisdn=msisdn).order_by("-created_at", "-id")[:INBOX_SIZE])


def _inbox_version(messages: list[SmsMessage]) -> str:
    """Changes when a message arrives or changes state, so polling answers 204 otherwise."""
    seed = ",".join(f"{m.pk}:{m.status}" for m in messages)
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def _call_gateway(request: HttpRequest, *, session_id: str, msisdn: str, text: str) -> tuple[str, bool, bool]:
    """POST to the USSD gateway endpoint of this very server, as a USSD gateway does.

    Returns (reply text, end of dialogue, failed).
    """
    url = request.build_absolute_uri(reverse("ussd:gateway"))
    if not url.startswith(("http://", "https://")):  # never file:// or other schemes
        return _("The USSD gateway address is not HTTP."), True, True
    body = json.dumps({"session_id": session_id, "msisdn": msisdn, "text": text}).encode()
    outgoing = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Ussd-Token": settings.ISSA_USSD_TOKEN},
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=GATEWAY_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return _("The USSD gateway refused the request (HTTP %(status)s).") % {"status": error.code}, True, True
    except (urllib.error.URLError, TimeoutError, ValueError):
        return _("The USSD gateway did not answer. Is the server running?"), True, True
    return str(answer.get("text", "")), bool(answer.get("end", True)), False


def _page(
    request: HttpRequest,
    msisdn: str | None,
    *,
    error: str = "",
    typed: str = "",
    screen: UssdScreen | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page (first visit, a number chosen, or a dial without JavaScript)."""
    messages = _inbox(msisdn) if msisdn else []
    subscriber = (
        Subscriber.objects.select_related("account__client", "plan").filter(msisdn=msisdn).first() if msisdn else None
    )
    context: dict[str, Any] = {
        "msisdn": msisdn,
        "msisdn_display": format_msisdn(msisdn) if msisdn else "",
        "search_value": typed or (format_msisdn(msisdn) if msisdn else ""),
        "subscriber": subscriber,
        "picker": _picker(),
        "picker_error": error,
        "messages_": messages,
        "inbox_version": _inbox_version(messages),
        "screen": screen,
        "dialogue_open": screen is not None and not screen.end,
        "staff_codes": settings.ISSA_ENV == "development",  # the link to /phone/staff/ (ADR 0009)
    }
    return render(request, "demo/phone.html", context, status=status)


def _open_dialogue(request: HttpRequest, msisdn: str | None) -> str | None:
    state = request.session.get(SESSION_KEY) or {}
    if msisdn and state.get("msisdn") == msisdn and state.get("session_id"):
        return str(state["session_id"])
    return None


def _screen_response(request: HttpRequest, msisdn: str, screen: UssdScreen) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        context = {"msisdn": msisdn, "screen": screen, "dialogue_open": not screen.end}
        return render(request, "demo/partials/ussd.html", context)
    return _page(request, msisdn, screen=screen)


@require_GET
def phone(request: HttpRequest) -> HttpResponse:
    """The handset. ``?msisdn=`` chooses the number (kept in the URL so that it can be shared)."""
    _require_enabled()
    raw = request.GET.get("msisdn", "")
    if not raw:
        return _page(request, None)
    try:
        msisdn = _chosen_msisdn(raw)
    except DomainError as error:
        return _page(request, None, error=error.text(), typed=raw[:32], status=400)
    return _page(request, msisdn)


class _UnsavedSession:
    """The session of a poll, as the session middleware sees it on the way out: never saved.

    A poll is not the user's activity: saving the session on every poll (SESSION_SAVE_EVERY_REQUEST)
    would keep a portal sign-in in the same browser alive forever, defeating the idle timeout
    (AUTH-9), and would write to the database every 2 s for nothing.
    """

    accessed = False
    modified = False

    def __init__(self, session: Any) -> None:
        self._session = session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def save(self, must_create: bool = False) -> None:
        return None


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The SMS inbox, polled by htmx every 2 s; 204 (nothing to swap) when nothing changed."""
    _require_enabled()
    request.session = _UnsavedSession(request.session)  # type: ignore[assignment]
    try:
        msisdn = _chosen_msisdn(request.GET.get("msisdn"))
    except DomainError as error:
        return HttpResponse(error.text(), status=400, content_type="text/plain; charset=utf-8")
    messages = _inbox(msisdn)
    version = _inbox_version(messages)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = {"msisdn": msisdn, "messages_": messages, "inbox_version": version}
    return render(request, "demo/partials/inbox.html", context)


@require_POST
def dial(request: HttpRequest) -> HttpResponse:
    """Dial a USSD string: a new gateway session, its id kept in this browser's session."""
    _require_enabled()
    msisdn = _chosen_msisdn(request.POST.get("msisdn"))  # DomainError -> the error partial/page
    text = re.sub(r"\s+", "", request.POST.get("text", ""))
    if not USSD_REQUEST.fullmatch(text) or len(text) > MAX_USSD:
        screen = UssdScreen(text, _("Dial a USSD request such as *100#: a star, digits and stars, a hash."), True, True)
        return _screen_response(request, msisdn, screen)
    session_id = f"vp-{secrets.token_hex(8)}"
    request.session[SESSION_KEY] = {"session_id": session_id, "msisdn": msisdn}
    reply, end, failed = _call_gateway(request, session_id=session_id, msisdn=msisdn, text=text)
    if end:
        request.session.pop(SESSION_KEY, None)
    return _screen_response(request, msisdn, UssdScreen(text, reply, end, failed))


@require_POST
def reply(request: HttpRequest) -> HttpResponse:
    """Answer the open USSD dialogue ("Ответить"): the same gateway session continues."""
    _require_enabled()
    msisdn = _chosen_msisdn(request.POST.get("msisdn"))
    text = request.POST.get("text", "").strip()
    session_id = _open_dialogue(request, msisdn)
    if session_id is None:
        screen = UssdScreen("", _("No USSD dialogue is open on this number. Dial a request first."), True, True)
        return _screen_response(request, msisdn, screen)
    if not text or len(text) > MAX_USSD:
        screen = UssdScreen("", _("Type an answer of at most %(n)s characters.") % {"n": MAX_USSD}, False, True)
        return _screen_response(request, msisdn, screen)
    answer, end, failed = _call_gateway(request, session_id=session_id, msisdn=msisdn, text=text)
    if end:
        request.session.pop(SESSION_KEY, None)
    # The answer itself is not echoed: it may be a password (*141*0#).
    return _screen_response(request, msisdn, UssdScreen("", answer, end, failed))
