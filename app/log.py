"""Logging that names the call, message or job it is about, masks phone numbers and cannot
be forged.

Every record through the app's handler is made safe as a whole, in ``ContextFilter``: its
message and context have their control characters escaped, so a value (a CallSid from an
unsigned request) never starts a line of its own; its exception text and stack are masked
too, SQLAlchemy's ``[parameters: ...]`` included, and every line after the record's first
is indented, so only the app starts a line at the margin.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, g, has_request_context, request

# Phone numbers as they appear in logs: international (+, its URL encoding %2B, or the 00
# dialing prefix, then 7-15 digits with separators such as "+44 (0) 20 7946 0958"), North
# American national format, or a bare run of 10-15 digits (a SIP user part such as
# sip:447911123456@trunk). Dates, times, IP addresses and ids do not match these shapes.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|%2[Bb]|00)\d(?:[\s\-.()]{0,3}\d){6,14}"
    r"|\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]\d{4}"
    r"|\d{10,15}"
    r")(?![\w.]?\d)"
)
# C0 and C1 controls, the separators some viewers take for a line break, and the marks
# and overrides that make a viewer show a line in another order than it was written.
_UNSAFE = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f{_UNSAFE}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_UNSAFE}]")
INDENT = "    "  # the lines of a traceback, under the record they belong to

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s"


def mask_phone(number: str) -> str:
    """``+14155550123`` -> ``***0123``: enough to tell calls apart, not to dial."""
    digits = re.sub(r"\D", "", number.replace("%2B", "").replace("%2b", ""))
    if len(digits) < 7:
        return number
    return "***" + digits[-4:]


def mask_phones(text: str) -> str:
    """Mask every phone number found in ``text``."""
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


def _escaped(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def escape_controls(text: str) -> str:
    """``text`` on one line: a newline becomes ``\\n``, an escape character ``\\x1b``."""
    return _CONTROL.sub(_escaped, text)


def safe_block(text: str) -> str:
    """A traceback or stack as a record's continuation: masked, its control characters
    escaped but for its line breaks, every line indented."""
    lines = _CONTROL_BUT_NEWLINE.sub(_escaped, mask_phones(text)).split("\n")
    return "\n".join(INDENT + line for line in lines)


def _request_context() -> str:
    if not has_request_context():
        return ""
    known = getattr(g, "log_context", None)
    if known:
        return str(known)
    for name in ("CallSid", "MessageSid"):
        # request.form only parses a form body; it never raises on other bodies.
        value = request.form.get(name) or request.args.get(name)
        if value:
            return f"{name}={value[:64]}"
    return ""


def _job_context() -> str:
    from rq import get_current_job  # RQ is only asked inside a worker's job.

    job = get_current_job()
    return f"job={job.id}" if job is not None else ""


_TRACEBACKS = logging.Formatter()  # formats exceptions as any handler would


class ContextFilter(logging.Filter):
    """Adds ``record.context``; masks phone numbers and escapes control characters in the
    whole record (message, context, exception text, stack)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "made_safe", False):
            return True  # a record handled twice: once is enough
        record.made_safe = True
        try:
            context = _request_context() or _job_context()
        except Exception:  # a log line must never fail the request it describes
            context = ""
        record.context = escape_controls(mask_phones(context)) or "-"
        _make_safe(record)
        return True


def _make_safe(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the message: logged as they are, safely
        message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = message, None
    safe = escape_controls(mask_phones(message))
    if safe != message:
        record.msg, record.args = safe, None
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text once set: every handler shows this version.
        record.exc_text = _TRACEBACKS.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = safe_block(record.exc_text)
    if record.stack_info:
        record.stack_info = safe_block(record.stack_info)


def configure_logging(app: Flask) -> None:
    """Send the app's and the core packages' logs through the context filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ContextFilter())
    level = app.config.get("LOG_LEVEL", "INFO")
    for name in ("app", "ivr_flows", "routing", "knowledge_base"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(f, ContextFilter) for h in logger.handlers for f in h.filters):
            logger.addHandler(handler)
