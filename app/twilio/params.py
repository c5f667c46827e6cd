"""A webhook's values made safe at the edge, once, before any view reads them.

Twilio signs what it sent, so the signature is checked on the raw form first; then the form
and the query are cleaned here, and voice and SMS views read only these clean copies. No
control characters (PostgreSQL refuses NUL bytes, logs must not take newlines), text bounded
to what the columns hold, whole numbers as plain ASCII digits within what an Integer column
holds, and only a language the system speaks. SQLite would take any of it; PostgreSQL would
refuse the write and lose the call record or the message just left.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from flask import request

from app.models.base import ADDRESS_LENGTH
from ivr_flows.languages import LANGUAGES

MAX_WHOLE = 2**31 - 1  # the largest value of an Integer column on PostgreSQL
TEXT_LIMIT = ADDRESS_LENGTH  # any value not named below: a status, a place, an address
DEFAULT_LANGUAGE = "en"

# Control characters that separate words or lines become a space; the rest (NUL, escape
# sequences, lone surrogates) are removed.
_SEPARATORS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_UNSAFE: dict[int, str | None] = {
    **{code: None for code in (*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000))},
    **{ord(char): " " for char in _SEPARATORS},
}

Cleaner = Callable[[str], str | None]


def clean_text(value: str, limit: int = TEXT_LIMIT) -> str:
    """``value`` without control characters, cut to ``limit`` characters."""
    value = value[:limit]
    # isprintable() is false for every character removed here, and a C loop: the usual
    # value costs a fraction of a microsecond.
    return value if value.isprintable() else value.translate(_UNSAFE)


def parse_whole(text: str | None) -> int | None:
    """A count Twilio sent as text: ASCII digits only, capped at ``MAX_WHOLE``; else None.

    ``str.isdigit`` alone takes "²", which ``int`` then refuses; ``int`` takes "٣" and
    "1_000". Twilio sends plain ASCII digits, so nothing else is a count.
    """
    if not text or not text.isascii() or not text.isdigit():
        return None
    digits = text.lstrip("0") or "0"
    return MAX_WHOLE if len(digits) > 10 else min(int(digits), MAX_WHOLE)


def parse_fraction(text: str | None) -> float | None:
    """A score between 0 and 1 (speech ``Confidence``); None for anything else."""
    if not text or len(text) > 32:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def known_language(code: str | None) -> str:
    """``code`` if the system speaks it, English otherwise."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _text(limit: int) -> Cleaner:
    return lambda value: clean_text(value, limit)


def _whole(value: str) -> str | None:
    number = parse_whole(value)
    return None if number is None else str(number)


def _fraction(value: str) -> str | None:
    number = parse_fraction(value)
    return None if number is None else str(number)


def _rules(cleaner: Cleaner, names: Iterable[str]) -> dict[str, Cleaner]:
    return {name: cleaner for name in names}


# Twilio's voice, Gather, Record, Dial, Enqueue and status callback parameters that need
# more than the default; a number that is not one is dropped, as if Twilio had not sent it.
FORM_RULES: dict[str, Cleaner] = {
    **_rules(_text(64), ("CallSid", "ParentCallSid", "DialCallSid", "QueueSid", "MessageSid")),
    **_rules(_text(64), ("Digits", "RecordingSid", "AccountSid")),
    **_rules(_text(2000), ("SpeechResult", "UnstableSpeechResult")),
    "RecordingUrl": _text(500),
    "Body": _text(1600),
    "Confidence": _fraction,
    **_rules(
        _whole,
        (
            "CallDuration",
            "DialCallDuration",
            "RecordingDuration",
            "QueueTime",
            "QueuePosition",
            "AvgQueueTime",
            "CurrentQueueSize",
            "MaxQueueSize",
            "SequenceNumber",
        ),
    ),
}

# The app's own action URLs: ``s`` the signed menu state, ``q`` a queue, ``l`` a language,
# ``agent`` an agent's id, ``c`` a contact, ``t`` an acceptance time, ``reply_to`` the text
# a TwiML reply answered (its receipts), ``d`` a broadcast's delivery, ``r`` how many
# times its message was heard.
ARG_RULES: dict[str, Cleaner] = {
    "s": _text(8192),
    **_rules(_text(64), ("q", "c", "t", "reply_to")),
    **_rules(_whole, ("agent", "d", "r")),
    "l": known_language,
}


def clean(values: Iterable[tuple[str, str]], rules: dict[str, Cleaner]) -> dict[str, str]:
    """Each value cleaned by its rule (bounded text by default); dropped if it is garbled."""
    cleaned: dict[str, str] = {}
    for name, value in values:
        rule = rules.get(name)
        if rule is None:  # most fields: clean_text, inline (this runs on every webhook)
            value = value[:TEXT_LIMIT]
            cleaned[name] = value if value.isprintable() else value.translate(_UNSAFE)
        elif (kept := rule(value)) is not None:
            cleaned[name] = kept
    return cleaned


# Kept in the request's WSGI environ, which lives and dies with the request (``g`` lives with
# the app context, which a command or a test may keep across requests).
_FORM = "helpline.webhook_form"
_ARGS = "helpline.webhook_args"


def clean_request() -> None:
    """Clean this request's form and query, once: views read them through ``form()`` and
    ``args()``, which call this on first use (after the signature check has run)."""
    request.environ[_FORM] = clean(request.form.items(), FORM_RULES)
    args = clean(request.args.items(), ARG_RULES)
    args.setdefault("l", DEFAULT_LANGUAGE)
    request.environ[_ARGS] = args


def form() -> dict[str, str]:
    """The webhook's form, cleaned."""
    if _FORM not in request.environ:
        clean_request()
    found: dict[str, str] = request.environ[_FORM]
    return found


def args() -> dict[str, str]:
    """The webhook's query (the app's own action URLs), cleaned; ``l`` is always a language
    the system speaks."""
    if _ARGS not in request.environ:
        clean_request()
    found: dict[str, str] = request.environ[_ARGS]
    return found
