"""Logging that names the call, message or job it is about and masks phone numbers."""

from __future__ import annotations

import logging
import re

from flask import Flask, g, has_request_context, request

# Phone numbers as they appear in logs: international (+ and 7-15 digits, with separators),
# North American national format, or a bare run of 10-11 digits. Dates, times, IP addresses
# and ids do not match these shapes.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d(?:[\s\-.()]?\d){6,14}"
    r"|\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]\d{4}"
    r"|\d{10,11}"
    r")(?![\w.]?\d)"
)

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s"


def mask_phone(number: str) -> str:
    """``+14155550123`` -> ``***0123``: enough to tell calls apart, not to dial."""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 7:
        return number
    return "***" + digits[-4:]


def mask_phones(text: str) -> str:
    """Mask every phone number found in ``text``."""
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


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


class ContextFilter(logging.Filter):
    """Adds ``record.context`` and masks phone numbers in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            context = _request_context() or _job_context()
        except Exception:  # a log line must never fail the request it describes
            context = ""
        record.context = context or "-"
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


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
