from decimal import Decimal

import pytest

from issa.core.money import MoneyTypeError, format_byn, parse_roubles, round_kopecks, to_kopecks, vat_included


@pytest.mark.parametrize(
    ("roubles", "kopecks"),
    [("0.005", 1), ("0.0049", 0), ("1.235", 124), ("-1.235", -124), ("2.5", 250), (3, 300), ("0", 0)],
)
def test_to_kopecks_rounds_half_up_once(roubles, kopecks):
    assert to_kopecks(Decimal(roubles) if isinstance(roubles, str) else roubles) == kopecks


def test_round_kopecks_half_up():
    assert round_kopecks(Decimal("12.5")) == 13
    assert round_kopecks(Decimal("12.4999")) == 12


def test_float_is_refused():
    with pytest.raises(MoneyTypeError):
        to_kopecks(0.1)  # type: ignore[arg-type]


def test_vat_included_is_a_sixth_of_a_vat_inclusive_price():
    assert vat_included(1200) == 200
    assert vat_included(1999) == 333  # 333.17 -> 333


@pytest.mark.parametrize(
    ("lang", "text"),
    [("ru", "1\u00a0234,56\u00a0руб."), ("be", "1\u00a0234,56\u00a0руб."), ("en", "BYN 1,234.56")],
)
def test_format_byn_per_language(lang, text):
    assert format_byn(123456, lang) == text


def test_format_negative():
    assert format_byn(-5, "ru") == "-0,05\u00a0руб."


@pytest.mark.parametrize(("typed", "kopecks"), [("3", 300), ("2,50", 250), (" 2.5 ", 250), ("0,01", 1)])
def test_parse_roubles(typed, kopecks):
    assert parse_roubles(typed) == kopecks


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "0.001", "1e3"])
def test_parse_roubles_refuses_non_money(typed):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is the input itself
        parse_roubles(typed)
