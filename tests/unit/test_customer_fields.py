"""Reading customer fields: control characters, the columns' own limits, reasons kept short."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.customers.customer_import_fields import (
    parse_accounts,
    parse_email,
    parse_lifetime_value,
    parse_name,
    parse_region,
    shown,
)
from app.services.customers.customer_import_rows import RowInvalid, parse_row, read_header

HEADER = read_header(["phone", "name", "region"])


@pytest.mark.parametrize("parse", [parse_name, parse_email, parse_region, parse_accounts])
@pytest.mark.parametrize("char", ["\x00", "\x08", "\x1f", "\x7f", "\x9b", "\u202e", "\u2066"])
def test_a_control_character_is_refused_in_every_free_text_field(parse, char) -> None:
    with pytest.raises(ValueError, match=rf"has a control character \(U\+{ord(char):04X}\)"):
        parse(f"ab{char}@x.com:1")


def test_a_control_character_at_the_edge_of_a_cell_is_not_trimmed_away() -> None:
    with pytest.raises(RowInvalid, match=r"name has a control character \(U\+001F\)"):
        parse_row(HEADER, ["2025550143", "Bob\x1f", ""], 2, "US")


def test_spaces_tabs_and_line_breaks_around_a_cell_are_trimmed() -> None:
    row = parse_row(HEADER, ["\t2025550143\r\n", "\u00a0Bob ", " east\t"], 2, "US")

    assert (row.phone, row.name, row.fields["region"]) == ("+12025550143", "Bob", "east")


def test_the_limits_are_the_columns_own() -> None:
    assert parse_lifetime_value("9999999999.99") == Decimal("9999999999.99")
    with pytest.raises(ValueError, match="too large"):
        parse_lifetime_value("9999999999.995")
    assert parse_name("x" * 120) == "x" * 120
    with pytest.raises(ValueError, match="longer than 120"):
        parse_name("x" * 121)


def test_a_service_is_measured_after_it_is_lower_cased() -> None:
    with pytest.raises(ValueError, match="account service .* is longer than 32 characters"):
        parse_accounts("\u0130" * 17 + ":T-1")


def test_a_long_value_is_shown_cut_short_and_escaped() -> None:
    assert shown("abc") == "'abc'"
    assert shown("x" * 100) == "'" + "x" * 40 + "…'"
    assert shown("\x1b[2J") == "'\\x1b[2J'"
