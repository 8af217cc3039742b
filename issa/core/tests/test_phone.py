import pytest

from issa.core.errors import DomainError
from issa.core.phone import format_msisdn, parse_any_number, parse_msisdn


@pytest.mark.parametrize(
    "typed", ["+375 29 123-45-67", "375291234567", "80291234567", "291234567", "+375 (29) 123 45 67"]
)
def test_parse_msisdn_accepts_the_ways_people_type_it(typed):
    assert parse_msisdn(typed) == "375291234567"


@pytest.mark.parametrize(
    "typed", ["", "abc", "+375 29 123", "+7 916 123-45-67", "+375 17 123-45-67", "29123456789012", "<script>"]
)
def test_parse_msisdn_bad_numbers_get_a_clear_error(typed):
    with pytest.raises(DomainError) as info:
        parse_msisdn(typed)
    assert info.value.code == "invalid_msisdn"
    assert info.value.http_status == 400
    assert "+375 29" in info.value.text()


def test_fixed_numbers_are_valid_for_forwarding():
    assert parse_any_number("+375 17 123-45-67") == "375171234567"


def test_format_msisdn():
    assert format_msisdn("375291234567") == "+375 29 123-45-67"
