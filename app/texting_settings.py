"""Texting's settings (``app/services/texting``): where texters wait, reply rate limits,
how long an answer waits for "YES"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from limits import parse_many

from app.config import ConfigError


def texting_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The SMS_* settings read from ``env``."""
    return {
        # The queues texters wait in for an agent: one for English, one for Spanish.
        "SMS_QUEUE": env.get("SMS_QUEUE") or "general",
        "SMS_QUEUE_ES": env.get("SMS_QUEUE_ES") or "spanish",
        # Automatic replies per texting number, and to all numbers, in `limits` notation.
        "SMS_REPLY_LIMIT_PER_NUMBER": env.get("SMS_REPLY_LIMIT_PER_NUMBER")
        or "6 per minute; 40 per hour",
        "SMS_REPLY_LIMIT_GLOBAL": env.get("SMS_REPLY_LIMIT_GLOBAL") or "50 per second",
        # Hours an answer we texted waits for "YES" or "AGENT" before it counts as no reply.
        "SMS_DEFLECTION_REPLY_HOURS": _hours(env, "SMS_DEFLECTION_REPLY_HOURS", 24.0),
    }


def _hours(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        hours = float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of hours, not {value!r}") from None
    if not 0 < hours < 10_000:
        raise ConfigError(f"{name} must be above 0 hours, not {value!r}")
    return hours


def check_texting_settings(settings: Mapping[str, Any]) -> None:
    """Rate limits `limits` can read, each above 0."""
    for name in ("SMS_REPLY_LIMIT_PER_NUMBER", "SMS_REPLY_LIMIT_GLOBAL"):
        value = settings[name]
        try:
            valid = all(limit.amount > 0 for limit in parse_many(str(value)))
        except ValueError:
            valid = False
        if not valid:
            raise ConfigError(f"{name} must be rate limits like '6 per minute', not {value!r}")
