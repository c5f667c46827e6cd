"""Log lines never show a whole phone number."""

from __future__ import annotations

import pytest

from app.log import escape_controls, mask_phone, mask_phones


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+14155550123", "***0123"),
        ("(415) 555-0123", "***0123"),
        ("+44 20 7946 0958", "***0958"),
        ("911", "911"),
    ],
)
def test_phone_numbers_are_masked_to_their_last_four_digits(number, masked):
    assert mask_phone(number) == masked


def test_numbers_inside_a_sentence_are_masked_and_the_rest_kept():
    line = "call CA123 from +14155550123 to +15558675310 took 42 s"

    assert mask_phones(line) == "call CA123 from ***0123 to ***5310 took 42 s"


def test_short_numbers_and_ids_are_left_alone():
    line = "queue billing has 12 waiting, job 7f3a-1200 retried 3 times"

    assert mask_phones(line) == line


@pytest.mark.parametrize(
    "line",
    [
        "health check from 192.168.100.200 at 2026-11-27 02:11:41",
        "interaction 123456 closed after 3600 s",
        "AccountSid AC0123456789 ok",
    ],
)
def test_dates_addresses_and_ids_are_not_taken_for_phone_numbers(line):
    assert mask_phones(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("from 415.555.0123 ok", "from ***0123 ok"),
        ("from 4155550123 ok", "from ***0123 ok"),
        ("to +44 20 7946 0958.", "to ***0958."),
    ],
)
def test_national_formats_are_masked_too(line, masked):
    assert mask_phones(line) == masked


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("from sip:447911123456@trunk.example.com", "from sip:***3456@trunk.example.com"),
        ("dialed 00447911123456 twice", "dialed ***3456 twice"),
        ("call +44 (0) 20 7946 0958 now", "call ***0958 now"),
        ("call +49 (30) 1234567 now", "call ***4567 now"),
    ],
)
def test_sip_users_dialing_prefixes_and_bracketed_trunk_digits_are_masked(line, masked):
    assert mask_phones(line) == masked


def test_marks_that_reorder_a_line_in_a_viewer_are_escaped():
    assert escape_controls("CA1\u202eCA2\u2066x\u200f") == "CA1\\u202eCA2\\u2066x\\u200f"


def test_url_encoded_numbers_are_masked_too():
    line = "POST /2010-04-01/Calls.json To=%2B14155550123&From=%2b15558675310"

    assert mask_phones(line) == "POST /2010-04-01/Calls.json To=***0123&From=***5310"


def test_control_characters_are_escaped_so_a_value_stays_on_its_line():
    assert escape_controls("CA1\r\nforged\x1b[31m\u2028\x00") == (
        "CA1\\r\\nforged\\x1b[31m\\u2028\\x00"
    )
