"""The edge's rules for Twilio's values: what a whole number, a score and text may be."""

from __future__ import annotations

import pytest

from app.twilio.params import (
    ARG_RULES,
    FORM_RULES,
    MAX_WHOLE,
    clean,
    clean_text,
    parse_fraction,
    parse_whole,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("74", 74),
        ("007", 7),
        ("0", 0),
        ("2147483647", MAX_WHOLE),
        ("2147483648", MAX_WHOLE),
        ("18446744073709551616", MAX_WHOLE),
        ("9" * 5000, MAX_WHOLE),  # past int()'s own limit on digits
        ("²", None),  # str.isdigit() takes it, int() does not
        ("٣", None),
        ("-1", None),
        ("+7", None),
        (" 7", None),
        ("1e3", None),
        ("7.0", None),
        ("", None),
        (None, None),
    ],
)
def test_a_whole_number_is_plain_ascii_digits_capped_at_what_a_column_holds(text, number):
    assert parse_whole(text) == number


@pytest.mark.parametrize(
    ("text", "score"),
    [("0.87", 0.87), ("1", 1.0), ("0", 0.0), ("nan", None), ("inf", None), ("1.5", None)]
    + [("-0.1", None), ("high", None), ("", None), ("0." + "1" * 40, None)],
)
def test_a_confidence_is_a_finite_score_between_zero_and_one(text, score):
    assert parse_fraction(text) == score


def test_text_loses_its_control_characters_and_keeps_its_words_apart():
    assert clean_text("+1415\x005550123") == "+14155550123"
    assert clean_text("billing\nplease\x1b[0m") == "billing please[0m"
    assert clean_text("¿Señor 🙂?\u00a0") == "¿Señor 🙂?\u00a0"
    assert clean_text("x" * 300, limit=255) == "x" * 255


def test_a_form_keeps_what_is_clean_and_drops_numbers_that_are_not():
    form = [
        ("CallSid", "CA1\n"),
        ("From", "sip:alice.johnson@pbx.example.com"),
        ("CallDuration", "²"),
        ("RecordingDuration", "21"),
        ("Confidence", "nan"),
        ("SpeechResult", "s" * 3000),
    ]

    cleaned = clean(form, FORM_RULES)

    assert cleaned == {
        "CallSid": "CA1 ",
        "From": "sip:alice.johnson@pbx.example.com",
        "RecordingDuration": "21",
        "SpeechResult": "s" * 2000,
    }


@pytest.mark.parametrize(
    ("sent", "used"), [("es", "es"), ("zz", "en"), ('en"><Dial>+19005550100', "en"), ("", "en")]
)
def test_only_a_language_the_system_speaks_is_taken_from_a_url(sent, used):
    assert clean([("l", sent), ("agent", "7")], ARG_RULES) == {"l": used, "agent": "7"}
