"""Money in the services pages: kopecks and Decimal roubles shown the way people read BYN."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from issa.core.money import format_byn, to_kopecks

register = template.Library()


@register.filter
def byn(kopecks: Any) -> str:
    """Int kopecks → «1,50 руб.»."""
    if kopecks is None or kopecks == "":
        return "—"
    return format_byn(int(kopecks))


@register.filter
def byn_decimal(roubles: Any) -> str:
    """Decimal roubles (catalogue prices) → «1,50 руб.», rounded the one way money is rounded."""
    if roubles is None or roubles == "":
        return "—"
    return format_byn(to_kopecks(Decimal(roubles)))
