"""Reading customer CSV rows: phone normalization and field validation, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.models import Channel, Tier
from app.services.customers.customer_import_fields import normalize_phone
from app.services.customers.customer_import_rows import (
    HeaderError,
    RowInvalid,
    parse_row,
    read_header,
)

HEADER = read_header(
    "phone,name,email,language,tier,lifetime_value,region,timezone,accounts,"
    "sms_consent,voice_consent".split(",")
)


def row(**cells: str) -> list[str]:
    """A data row in HEADER's column order, blank where not given."""
    return [cells.get(column, "") for column in HEADER.columns]


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("202-555-0143", "US", "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("  2025550143 ", "US", "+12025550143"),
        ("1 202 555 0143", "US", "+12025550143"),
        ("+1 (202) 555-0143", "GB", "+12025550143"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("07911 123456", "GB", "+447911123456"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_phone_numbers_are_normalized_to_e164(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["12345", "555-0143", "+1 202 555 01", "call me", "+999 1234"])
def test_invalid_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="phone"):
        normalize_phone(raw, "US")


def test_a_national_number_means_a_different_number_in_another_region() -> None:
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"
    with pytest.raises(ValueError, match="region US"):
        normalize_phone("020 7946 0958", "US")


def test_a_row_is_normalized_into_typed_fields() -> None:
    cells = row(
        phone="(202) 555-0143",
        name="  Ana   García ",
        language="ES",
        tier="Gold",
        lifetime_value="1250.505",
        timezone="america/chicago",
        accounts="mobile:M-1; Broadband:B-2;",
        sms_consent="Yes",
        voice_consent="0",
    )

    parsed = parse_row(HEADER, cells, 7, "US")

    assert (parsed.line, parsed.phone, parsed.name) == (7, "+12025550143", "Ana García")
    assert parsed.fields == {
        "language": "es",
        "tier": Tier.GOLD,
        "lifetime_value": Decimal("1250.51"),
        "timezone": "America/Chicago",
    }
    assert parsed.accounts == (("mobile", "M-1"), ("broadband", "B-2"))
    assert parsed.consent == {Channel.SMS: True, Channel.VOICE: False}


def test_blank_optional_cells_are_left_out_so_defaults_apply_only_to_new_customers() -> None:
    parsed = parse_row(HEADER, row(phone="2025550143", name="Bob"), 2, "US")

    assert parsed.fields == {} and parsed.consent == {} and parsed.accounts == ()
    assert parsed.create_values()["tier"] is Tier.BRONZE
    assert parsed.create_values()["timezone"] == "UTC"
    assert parsed.update_values() == {"name": "Bob"}


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"phone": "", "name": "A"}, "phone is missing"),
        ({"phone": "2025550143", "name": " "}, "name is missing"),
        ({"tier": "diamond"}, "tier 'diamond' is not one of platinum, gold, silver, bronze"),
        ({"lifetime_value": "-5"}, "lifetime_value -5 is negative"),
        ({"lifetime_value": "12abc"}, "lifetime_value '12abc' is not a number"),
        ({"lifetime_value": "1,200"}, "lifetime_value '1,200' is not a number"),
        ({"lifetime_value": "NaN"}, "lifetime_value 'NaN' is not a number"),
        ({"lifetime_value": "1e30"}, "is not a number"),
        ({"lifetime_value": "99999999999"}, "lifetime_value 99999999999 is too large"),
        ({"timezone": "Mars/Olympus"}, "timezone 'Mars/Olympus' is not an IANA time zone"),
        ({"language": "english"}, "language 'english' is not a 2-letter code"),
        ({"email": "not-an-email"}, "email 'not-an-email' is not an email address"),
        ({"sms_consent": "maybe"}, "sms_consent 'maybe' is not one of yes, no"),
        ({"accounts": "mobile"}, "accounts entry 'mobile' is not service:number"),
        ({"accounts": "mobile:M-1;tv:M-1"}, "account M-1 is listed twice"),
    ],
)
def test_a_bad_value_rejects_the_row_with_a_reason(cells: dict[str, str], reason: str) -> None:
    values = {"phone": "2025550143", "name": "Ana", **cells}

    with pytest.raises(RowInvalid) as rejected:
        parse_row(HEADER, row(**values), 3, "US")

    assert reason in str(rejected.value)


def test_every_problem_of_a_row_is_named_at_once() -> None:
    cells = row(phone="123", name="", tier="diamond")

    with pytest.raises(RowInvalid) as rejected:
        parse_row(HEADER, cells, 3, "US")

    assert len(rejected.value.reasons) == 3


def test_a_row_with_more_fields_than_the_header_is_rejected() -> None:
    with pytest.raises(RowInvalid, match="row has 12 fields but the header has 11"):
        parse_row(HEADER, [*row(phone="2025550143", name="A"), "extra"], 4, "US")


def test_header_names_are_matched_without_regard_to_case_or_spaces() -> None:
    header = read_header([" Phone", "NAME", "Lifetime Value", "favourite colour"])

    assert header.columns == ("phone", "name", "lifetime_value", "favourite_colour")
    assert header.ignored == ("favourite_colour",)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["name", "email"], "missing required column: phone"),
        (["email"], "missing required columns: phone, name"),
        (["phone", "name", "Phone"], "column appears more than once: phone"),
    ],
)
def test_a_header_without_required_columns_is_refused(cells: list[str], message: str) -> None:
    with pytest.raises(HeaderError, match=message):
        read_header(cells)
