"""Text from outside made safe to print or store: what a terminal would act on is escaped."""

from __future__ import annotations

import os

import pytest

from app.services.printable import printable, shortened


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
        ("a\nb\r\tc\x00", "a\\nb\\r\\tc\\x00"),
        ("\x7f\x85\x9b", "\\x7f\\x85\\x9b"),
        ("\u2028\u202e\u2066", "\\u2028\\u202e\\u2066"),
        (os.fsdecode(b"bad\xff\x80.csv"), "bad\\xff\\x80.csv"),
        ("\ud800", "\\ud800"),
    ],
    ids=["ansi-and-bell", "c0", "del-and-c1", "separators-and-bidi", "bad-bytes", "surrogate"],
)
def test_what_a_terminal_acts_on_is_written_as_an_escape(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize("text", ["Ana García", "C:\\exports\\x.csv", "名前.csv", "", "a b"])
def test_printable_text_is_left_as_it_is(text: str) -> None:
    assert printable(text) == text


@pytest.mark.parametrize("limit", [1, 2, 5, 10, 11])
def test_a_long_text_is_cut_in_its_middle_to_the_limit(limit: int) -> None:
    text = "abcdefghijklmnop"

    cut = shortened(text, limit)

    assert len(cut) == limit and "…" in cut
    assert text.startswith(cut[: cut.index("…")]) and text.endswith(cut[cut.index("…") + 1 :])


def test_a_text_within_the_limit_is_not_cut() -> None:
    assert shortened("abcdef", 6) == "abcdef"
