"""What people type as a KvK number, and what a URL must hold."""

import pytest

from impactnet.organisations.identifiers import is_kvk, normalise_kvk


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        (" 12.34-56.78 ", "12345678"),
        ("1234567", None),
        ("123456789", None),
        ("1234567a", None),
        ("١٢٣٤٥٦٧٨", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_kvk(raw, expected):
    assert normalise_kvk(raw) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12345678", True),
        ("1234 5678", False),
        ("1234-5678", False),
        ("1234567", False),
        ("١٢٣٤٥٦٧٨", False),
    ],
)
def test_a_url_holds_a_kvk_number_only_in_its_8_digit_form(value, expected):
    assert is_kvk(value) is expected
