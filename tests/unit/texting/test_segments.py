"""Segments as carriers count them: GSM-7 160/153 (extension characters count two), UCS-2
70/67 (characters beyond the BMP count two), never a pair split across parts."""

from __future__ import annotations

import pytest

from app.services.texting.segments import GSM7, UCS2, count, cut, shorten


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),
        ("a" * 307, GSM7, 3),
        ("€" * 80, GSM7, 1),  # 160 septets
        ("€" * 81, GSM7, 2),
        ("a" * 152 + "€" + "a" * 10, GSM7, 2),  # the escape pair moves to the second part
        ("ñandú " * 10, UCS2, 1),  # ú is not GSM-7: the whole text is UCS-2
        ("á" * 70, UCS2, 1),
        ("á" * 71, UCS2, 2),
        ("á" * 134, UCS2, 2),
        ("á" * 135, UCS2, 3),
        ("😀" * 35, UCS2, 1),
        ("😀" * 36, UCS2, 2),
    ],
)
def test_segments_are_counted_as_carriers_do(text: str, encoding: str, parts: int) -> None:
    counted = count(text)

    assert (counted.encoding, counted.count) == (encoding, parts)


def test_a_long_answer_is_shortened_to_two_segments_keeping_link_and_prompt_whole() -> None:
    tail = "https://helpline.example.com/q/7\nReply YES if this solved it, AGENT for a person"

    text = shorten("Restart your router and wait two minutes. " * 20, tail)

    assert count(text).count == 2
    assert text.endswith(tail)
    assert "..." in text


def test_curly_quotes_do_not_make_an_answer_ucs2() -> None:
    text = shorten("Don’t worry – it’s “fine”…", "link")

    assert count(text).encoding == GSM7


def test_a_spanish_answer_in_ucs2_fits_two_segments() -> None:
    text = shorten("Reinicie el módem y espere dos minutos, por favor. " * 10, "https://x.es/q/1")

    assert count(text).encoding == UCS2 and count(text).count <= 2


def test_bodies_are_cut_to_twilios_limit_never_mid_character() -> None:
    assert len(cut("a" * 2000)) == 1600
    assert cut("😀" * 2000) == "😀" * 1600
