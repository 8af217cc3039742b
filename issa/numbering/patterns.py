"""Number categories by pattern and the search mask (SVC-6). Pure functions: no database.

Categories are judged on the subscriber part of the number: the last seven digits
(``375 29 ABC-DE-FG`` → ``ABCDEFG``). The first rule that matches wins:

=================  ==========================================================================
Платиновый         the last 6 digits equal (``2 777777``, ``7777777``)
Бриллиантовый      the last 5 digits equal (``12 55555``); or all 7 in a straight run up or
                   down (``1234567``, ``9876543``)
Золотой            the last 4 digits equal (``123 8888``); or the last 6 three pairs
                   (``1 11-22-33``); or the last 6 one pair repeated (``1 21-21-21``)
Серебряный         the last 3 digits equal (``1234 999``); or the last 4 two pairs
                   (``123 11-22``), a repeated pair (``123 12-12``) or a mirror (``123 1221``)
Бронзовый          the number ends in ``00`` (``12345 00``); or the last 4 digits in a straight
                   run up or down (``128 3456``, ``128 6543``)
Простой            every other number
=================  ==========================================================================

The mask: the digits a person wants, ``%`` for "any digit". Accepted lengths: 7 (the subscriber
part, any operator code), 9 (operator code and number, ``29%%%%777``) or 12 (with the country
code 375). Spaces, hyphens, brackets and a leading ``+`` are ignored. The mask becomes a regular
expression built only from digits and ``[0-9]``, so nothing a person types reaches SQL as syntax.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError

PLATINUM, DIAMOND, GOLD, SILVER, BRONZE, SIMPLE = "platinum", "diamond", "gold", "silver", "bronze", "simple"
CATEGORY_CODES = (PLATINUM, DIAMOND, GOLD, SILVER, BRONZE, SIMPLE)

COUNTRY = "375"
MASK_LENGTHS = (7, 9, 12)
WILDCARD = "%"


def _equal(digits: str) -> bool:
    return len(set(digits)) == 1


def _straight(digits: str) -> bool:
    steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {-1})


def _pairs(digits: str) -> bool:
    """``112233``: every two digits equal (the pairs themselves may differ)."""
    return len(digits) % 2 == 0 and all(digits[i] == digits[i + 1] for i in range(0, len(digits), 2))


def category_of(msisdn: str) -> str:
    """The category code of a number by the table in this module's docstring."""
    local = msisdn[-7:]
    if len(local) != 7 or not local.isdigit():
        raise ValueError("a number ends with 7 digits")
    last6, last5, last4, last3 = local[-6:], local[-5:], local[-4:], local[-3:]
    if _equal(last6):
        return PLATINUM
    if _equal(last5) or _straight(local):
        return DIAMOND
    if _equal(last4) or _pairs(last6) or last6 == last6[:2] * 3:
        return GOLD
    if _equal(last3) or _pairs(last4) or last4[:2] == last4[2:] or last4 == last4[::-1]:
        return SILVER
    if local.endswith("00") or _straight(last4):
        return BRONZE
    return SIMPLE


@dataclass(frozen=True)
class Mask:
    """A validated mask: the normalised text and the regular expression over the whole MSISDN."""

    text: str
    regex: str
    prefix: str  # the leading fixed digits of the full MSISDN, for an index-friendly filter

    def matches(self, msisdn: str) -> bool:
        return re.fullmatch(self.regex[1:-1], msisdn) is not None


def _invalid_mask() -> DomainError:
    return DomainError(
        "invalid_number_mask",
        _(
            "Enter a mask of 7 characters (the number without the operator code), 9 (with the operator "
            'code) or 12 (with 375): digits and "%" for any digit, for example 29%%%%777.'
        ),
        field="mask",
    )


def parse_mask(raw: str) -> Mask:
    """Validate a mask and turn it into a safe regular expression over 12-digit MSISDNs."""
    text = re.sub(r"[\s\-()]", "", (raw or "").strip())
    if text.startswith("+"):
        text = text[1:]
    text = text.replace("_", WILDCARD).replace("*", WILDCARD)  # people also type these for "any"
    if len(text) not in MASK_LENGTHS or re.fullmatch(r"[0-9%]+", text) is None:
        raise _invalid_mask()
    if len(text) == 12 and not all(c in (d, WILDCARD) for c, d in zip(text[:3], COUNTRY, strict=True)):
        raise _invalid_mask()
    if set(text) == {WILDCARD}:
        raise DomainError(
            "number_mask_empty", _("Fix at least one digit of the mask, or pick a category."), field="mask"
        )
    full = (COUNTRY + WILDCARD * (9 - len(text)) + text) if len(text) < 12 else text
    body = "".join("[0-9]" if c == WILDCARD else c for c in full)
    prefix = ""
    for c in full:
        if c == WILDCARD:
            break
        prefix += c
    return Mask(text=text, regex=f"^{body}$", prefix=prefix)
