"""Money: integer kopecks for everything booked, Decimal for prices, one rounding function.

Ledger entries, balances, bills and payments are ``int`` kopecks. Prices and unrounded rated
amounts are ``Decimal`` roubles. The only way from a Decimal amount to kopecks is ``to_kopecks``:
half-up to the nearest kopeck, the rule Belarusian accounting uses. Floats are refused.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECKS_PER_ROUBLE = 100
VAT_RATE = Decimal("0.20")  # VAT included in every retail price (Belarus, 20%)
_KOPECK = Decimal("0.01")


class MoneyTypeError(TypeError):
    """Raised when a float (or anything inexact) reaches money arithmetic."""


def _as_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise MoneyTypeError("money must never be a float; use Decimal or int kopecks")
    if isinstance(value, bool):
        raise MoneyTypeError("a bool is not an amount")
    try:
        return value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise MoneyTypeError(f"not an amount: {value!r}") from exc


def to_kopecks(roubles: Decimal | int | str) -> int:
    """The one rounding function: Decimal roubles -> int kopecks, half-up."""
    amount = _as_decimal(roubles).quantize(_KOPECK, rounding=ROUND_HALF_UP)
    return int(amount * KOPECKS_PER_ROUBLE)


def round_kopecks(kopecks: Decimal | int | str) -> int:
    """Round an unrounded amount already expressed in kopecks (e.g. rated usage), half-up."""
    return int(_as_decimal(kopecks).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_roubles(kopecks: int) -> Decimal:
    """Exact Decimal roubles for display and documents."""
    if not isinstance(kopecks, int) or isinstance(kopecks, bool):
        raise MoneyTypeError("kopecks must be an int")
    return (Decimal(kopecks) / KOPECKS_PER_ROUBLE).quantize(_KOPECK)


def vat_included(kopecks: int, rate: Decimal = VAT_RATE) -> int:
    """The VAT part of a VAT-inclusive amount: amount * rate / (1 + rate), rounded once."""
    return round_kopecks(Decimal(kopecks) * rate / (1 + rate))


def format_byn(kopecks: int, language: str | None = None) -> str:
    """BYN as people read it: ``1 234,56 руб.`` (ru, be) or ``BYN 1,234.56`` (en).

    A non-breaking space groups thousands so that an amount never wraps on a phone screen.
    """
    from django.utils import translation

    lang = (language or translation.get_language() or "ru")[:2]
    sign = "-" if kopecks < 0 else ""
    roubles, kop = divmod(abs(kopecks), KOPECKS_PER_ROUBLE)
    if lang == "en":
        return f"{sign}BYN {roubles:,}.{kop:02d}"
    grouped = f"{roubles:,}".replace(",", "\u00a0")
    unit = "руб." if lang in ("ru", "be") else "BYN"
    return f"{sign}{grouped},{kop:02d}\u00a0{unit}"


def parse_roubles(text: str) -> int:
    """Parse what a person types (``3``, ``2,50``, ``2.5``) into kopecks; ValueError if it is not money."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned or cleaned.count(".") > 1 or not cleaned.replace(".", "").lstrip("-").isdigit():
        raise ValueError(text)
    value = Decimal(cleaned)
    if value != value.quantize(_KOPECK):
        raise ValueError(text)
    return to_kopecks(value)
