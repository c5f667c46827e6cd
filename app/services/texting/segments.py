"""SMS segments: GSM-7 or UCS-2, and how many parts a carrier splits a text into.

A text made only of GSM 03.38 characters (basic table: 1 septet; extension table: 2, an
escape and the character) fits 160 septets in one segment, 153 in each part of a longer
one; any other character makes the whole text UCS-2: 70 UTF-16 code units, 67 per part.
Carriers never split an escape pair or a surrogate pair across parts, so counting is
greedy, as they fill them. Pure functions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7 = "GSM-7"
UCS2 = "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}
# Twilio refuses a body longer than this many characters.
MAX_BODY = 1600
ELLIPSIS = "..."
# Typography phones put in that GSM-7 lacks: replaced, so one curly quote does not halve
# what fits (Twilio's Smart Encoding does the same).
_SMART = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
        "\u2022": "-", "\u00b7": "-", "\t": " ",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Segments:
    """How a text goes over the air."""

    encoding: str
    count: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def smart_encode(text: str) -> str:
    """``text`` with typographic quotes, dashes and ellipses made GSM-7."""
    return text.translate(_SMART)


def encoding_of(text: str) -> str:
    """GSM-7 if every character is in the GSM 03.38 tables, else UCS-2."""
    allowed = GSM_BASIC | GSM_EXTENSION
    return GSM7 if all(char in allowed for char in text) else UCS2


def _widths(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if char in GSM_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def count(text: str) -> Segments:
    """The encoding, the number of segments and the units a carrier sends ``text`` in."""
    encoding = encoding_of(text)
    widths = _widths(text, encoding)
    units = sum(widths)
    if units <= SINGLE[encoding]:
        return Segments(encoding, 1, units)
    parts, filled = 1, 0
    for width in widths:  # greedy: a pair never straddles two parts
        if filled + width > PART[encoding]:
            parts, filled = parts + 1, 0
        filled += width
    return Segments(encoding, max(parts, math.ceil(units / PART[encoding])), units)


def cut(text: str, limit: int = MAX_BODY) -> str:
    """``text`` cut to ``limit`` characters (Twilio's body limit); a Python character is
    a whole code point, so an emoji is never cut in half."""
    return text[:limit]


def shorten(text: str, tail: str, max_segments: int = 2, joiner: str = "\n") -> str:
    """``text`` then ``tail``, fitting ``max_segments``: ``text`` cut at a word with "...".

    ``tail`` (a link, a prompt) is kept whole; if even it does not fit, it alone is sent.
    """
    text = " ".join(smart_encode(text).split())
    tail = smart_encode(tail)
    whole = f"{text}{joiner}{tail}" if text else tail
    if count(whole).count <= max_segments:
        return whole
    words = re.split(r"(?<=\s)", text)
    low, high = 0, len(words)  # the most words that fit, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        candidate = "".join(words[:middle]).rstrip(" ,;:") + ELLIPSIS + joiner + tail
        if count(candidate).count <= max_segments:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return tail
    return "".join(words[:low]).rstrip(" ,;:") + ELLIPSIS + joiner + tail
