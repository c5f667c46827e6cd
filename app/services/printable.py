"""Text from outside (a file's name, a header, a value) made safe to print to a terminal or store.

A terminal acts on control characters: an escape sequence can recolour, retitle or clear it, a
line break can forge a line of a report. Bidi controls reorder what a person reads. A file name
whose bytes are not UTF-8 reaches Python with those bytes as lone surrogates, which no terminal
and no database takes. Each such character is written as an escape a person can read instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, the separators some viewers break lines at, the bidi controls,
# and the surrogates.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The surrogates Python's file system decoding keeps an undecodable byte in (PEP 383).
ESCAPED_BYTES = range(0xDC80, 0xDD00)
ELLIPSIS = "…"


def printable(text: str) -> str:
    """``text`` with what a terminal acts on escaped: ``\\x1b``, ``\\n``, a bad byte ``\\xff``."""
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return match.group().encode("unicode_escape").decode("ascii")


def shortened(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and end around an ``…``."""
    if len(text) <= limit:
        return text
    head = (limit - len(ELLIPSIS) + 1) // 2
    tail = limit - len(ELLIPSIS) - head
    return text[:head] + ELLIPSIS + text[len(text) - tail :]
