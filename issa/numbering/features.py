"""Rules of the number's own features: call forwarding (SVC-11), voicemail "Плюс" (SVC-12) and
phone settings by SMS (SVC-10). Pure validation and reads of the product inventory; the changes
themselves are orders (``actions.py``), carried to the network by the worker (BSS-6).

Where things are kept (the network element keeps the same shape, ``services[code] = settings``):

* forwarding: the subscriber's open ``Product`` of service ``FORWARDING_SERVICE`` (kind
  forwarding) with ``settings = {condition: target}`` for each condition set, e.g.
  ``{"busy": "375171234567", "no_answer": "375291234567"}``; the product ends when the last
  condition is cancelled.
* voicemail "Плюс": the open ``Product`` of service ``VOICEMAIL_PLUS_SERVICE`` with
  ``settings = {"email": "…"}`` while an address for copies is set, ``{}`` otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Service
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import parse_any_number
from issa.subscribers.models import Product, Subscriber

FORWARDING_SERVICE = "forwarding"  # catalogue code of "Переадресация вызова"
VOICEMAIL_PLUS_SERVICE = "voicemail-plus"  # catalogue code of the voicemail package «Плюс»


class Condition(models.TextChoices):
    """When calls are forwarded (SVC-11); the network's names for them (CFU, CFB, CFNRy, CFNRc)."""

    UNCONDITIONAL = "unconditional", _("Always (unconditional)")
    BUSY = "busy", _("When busy")
    NO_ANSWER = "no_answer", _("When there is no answer")
    UNREACHABLE = "unreachable", _("When unreachable")


class SettingsKind(models.TextChoices):
    """The phone settings one can receive by SMS (SVC-10)."""

    INTERNET = "internet", _("Mobile Internet")
    MMS = "mms", "MMS"
    STREAMING = "streaming", _("Streaming video")


# The parameters each kind of settings carries (an operator would send them as an OTA message;
# here the SMS carries them as text, which every phone shows and a person can type in).
SETTINGS_PAYLOAD: dict[str, dict[str, str]] = {
    SettingsKind.INTERNET: {"APN": "internet.issa.by", "user": "", "password": ""},
    SettingsKind.MMS: {"APN": "mms.issa.by", "MMSC": "http://mmsc.issa.by", "proxy": "10.200.2.200:8080"},
    SettingsKind.STREAMING: {"APN": "stream.issa.by", "RTSP proxy": "10.200.2.201:554"},
}


def _service(code: str) -> Service:
    service = Service.objects.filter(code=code).first()
    if service is None:
        raise DomainError(
            "service_unavailable", _("This service is not available."), kind=ErrorKind.NOT_FOUND, field="service"
        )
    return service


def forwarding_service() -> Service:
    return _service(FORWARDING_SERVICE)


def voicemail_plus_service() -> Service:
    return _service(VOICEMAIL_PLUS_SERVICE)


def open_product(*, subscriber: Subscriber, service_code: str, now: datetime) -> Product | None:
    """The subscriber's product of that service active at ``now``."""
    return (
        Product.objects.filter(subscriber=subscriber, service__code=service_code, active_from__lte=now)
        .filter(Q(active_to__isnull=True) | Q(active_to__gt=now))
        .order_by("-active_from", "-pk")
        .first()
    )


# --- forwarding (SVC-11) ----------------------------------------------------------------------


def parse_condition(raw: Any) -> str:
    value = str(raw or "").strip()
    if value not in Condition.values:
        raise DomainError("invalid_forwarding_condition", _("Choose when calls are forwarded."), field="condition")
    return value


def parse_forwarding_target(raw: Any, *, subscriber: Subscriber) -> str:
    """A mobile or fixed number (SVC-11) in E.164 digits; not one's own number, not a premium-rate
    or shared-cost number (forwarding there would charge the subscriber without them knowing)."""
    try:
        target = parse_any_number(str(raw or ""))
    except DomainError:
        raise DomainError(
            "invalid_phone_number",
            _("Enter a valid phone number, for example +375 17 123-45-67."),
            field="number",
        ) from None
    if target == subscriber.msisdn:
        raise DomainError("forwarding_to_self", _("Calls cannot be forwarded to the same number."), field="number")
    kind = phonenumbers.number_type(phonenumbers.parse("+" + target, None))
    allowed = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if kind not in allowed:
        raise DomainError(
            "forwarding_target_not_allowed",
            _("Calls can be forwarded only to a mobile or a fixed-line number."),
            field="number",
        )
    return target


def forwarding_state(*, subscriber: Subscriber, now: datetime) -> dict[str, str]:
    """{condition: target} as kept on the forwarding product (empty when nothing is set)."""
    product = open_product(subscriber=subscriber, service_code=FORWARDING_SERVICE, now=now)
    if product is None:
        return {}
    settings = product.settings or {}
    return {c: str(settings[c]) for c in Condition.values if settings.get(c)}


# --- voicemail «Плюс» (SVC-12) ----------------------------------------------------------------


def parse_email(raw: Any) -> str:
    email = str(raw or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        EmailValidator()(email)
    except ValidationError:
        raise DomainError(
            "invalid_email", _("Enter a valid e-mail address, for example name@example.com."), field="email"
        ) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def voicemail_state(*, subscriber: Subscriber, now: datetime) -> dict[str, Any]:
    """{"connected": bool, "email": str} of the package «Плюс»."""
    product = open_product(subscriber=subscriber, service_code=VOICEMAIL_PLUS_SERVICE, now=now)
    if product is None:
        return {"connected": False, "email": ""}
    return {"connected": True, "email": str((product.settings or {}).get("email") or "")}


# --- phone settings (SVC-10) ------------------------------------------------------------------


def parse_settings_kinds(raw: Any) -> list[str]:
    values = [raw] if isinstance(raw, str) else list(raw or [])
    kinds = sorted({str(v).strip() for v in values if str(v).strip()})
    if not kinds or any(k not in SettingsKind.values for k in kinds):
        raise DomainError(
            "invalid_settings_kind",
            _("Choose the settings to receive: Mobile Internet, MMS or streaming video."),
            field="kinds",
        )
    return kinds


def settings_sms_text(kind: str) -> str:
    """The SMS of one kind of settings, in the active language."""
    label = str(SettingsKind(kind).label)
    params = "; ".join(f"{name}: {value or '—'}" for name, value in SETTINGS_PAYLOAD[kind].items())
    return str(_("Settings for %(what)s. %(params)s")) % {"what": label, "params": params}
