"""MSISDN parsing and formatting for Belarus, with ``phonenumbers``.

Stored form: digits of E.164 without ``+`` (``375291234567``). People type ``+375 29 123-45-67``,
``80291234567``, ``291234567``; all of these parse to the same MSISDN or raise a clear error.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _
from phonenumbers import NumberParseException, PhoneNumberType

from .errors import DomainError

REGION = "BY"
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _invalid(raw: str) -> DomainError:
    return DomainError(
        "invalid_msisdn",
        _("Enter a mobile number of Belarus, for example +375 29 123-45-67."),
        field="msisdn",
    )


def _parse(raw: str) -> phonenumbers.PhoneNumber:
    text = (raw or "").strip()
    if not text or len(text) > 32 or re.search(r"[^\d+()\-\s.]", text):
        raise _invalid(text)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or (digits.startswith("375") and len(digits) == 12):
        candidate = "+" + digits
    elif digits.startswith("80") and len(digits) == 11:  # domestic trunk prefix: 8 0XX ...
        candidate = "+375" + digits[2:]
    elif len(digits) == 9:
        candidate = "+375" + digits
    else:
        candidate = text
    try:
        return phonenumbers.parse(candidate, REGION)
    except NumberParseException as exc:
        raise _invalid(text) from exc


def parse_msisdn(raw: str) -> str:
    """A Belarusian mobile number -> ``375XXXXXXXXX``; DomainError(invalid_msisdn) otherwise."""
    number = _parse(raw)
    if (
        number.country_code != 375
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise _invalid(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def parse_any_number(raw: str) -> str:
    """A mobile or fixed number (Belarusian or international) as E.164 digits, e.g. for forwarding."""
    number = _parse(raw)
    if not phonenumbers.is_valid_number(number):
        raise DomainError(
            "invalid_phone_number",
            _("Enter a valid phone number, for example +375 17 123-45-67."),
            field="number",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def is_fixed_line(msisdn: str) -> bool:
    number = phonenumbers.parse("+" + msisdn, None)
    return phonenumbers.number_type(number) in _FIXED_TYPES and number.country_code == 375


def format_msisdn(msisdn: str) -> str:
    """``375291234567`` -> ``+375 29 123-45-67`` (the way Belarusian operators print numbers)."""
    if len(msisdn) == 12 and msisdn.startswith("375") and msisdn.isdigit():
        return f"+375 {msisdn[3:5]} {msisdn[5:8]}-{msisdn[8:10]}-{msisdn[10:12]}"
    try:
        number = phonenumbers.parse("+" + msisdn, None)
    except NumberParseException:
        return msisdn
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_msisdn(msisdn: str) -> str:
    """For logs and staff lists where the full number is not needed: ``+375 29 ***-**-67``."""
    return f"+375 {msisdn[3:5]} ***-**-{msisdn[-2:]}" if len(msisdn) == 12 else "***"
