"""What a phone number is: E.164 normalization, country and type, no I/O."""

from __future__ import annotations

import pytest

from app.services.phone_numbers import facts, normalize


@pytest.mark.parametrize(
    ("typed", "region", "expected"),
    [
        ("4155550123", "US", "+14155550123"),
        ("(415) 555-0123", "US", "+14155550123"),
        ("+34 612 34 56 78", "US", "+34612345678"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("12345", "US", None),
        ("", "US", None),
        ("not a number", "US", None),
        ("4155550123", "", None),  # national digits with no region to read them in
    ],
)
def test_typed_digits_are_normalized_to_e164_in_the_region(
    typed: str, region: str, expected: str | None
) -> None:
    assert normalize(typed, region) == expected


@pytest.mark.parametrize(
    ("number", "region", "country", "kind"),
    [
        ("+14155550123", "US", "United States", "fixed_line_or_mobile"),
        ("+19005551234", "US", "United States", "premium_rate"),
        ("+882161234567", "001", "International network", "voip"),
        ("+2697712345", "KM", "Comoros", "fixed_line"),
        ("+448712345678", "GB", "United Kingdom", "premium_rate"),
    ],
)
def test_a_number_is_known_by_its_country_and_type(
    number: str, region: str, country: str, kind: str
) -> None:
    found = facts(number)

    assert (found.number, found.valid) == (number, True)
    assert (found.region, found.country, found.kind) == (region, country, kind)


def test_a_number_that_cannot_exist_is_not_valid() -> None:
    found = facts("+15558675310")

    assert found.valid is False
    assert found.region == ""
