"""The callback policy's settings (app/services/callbacks/callback_policy.py): where we call back,
which numbers are ours besides the Twilio and fallback numbers, and how many callbacks an hour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import phonenumbers

from app.config import ConfigError, count_setting

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def callback_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The CALLBACK_* settings read from ``env``."""
    return {
        # ISO country codes, comma-separated; empty means the DEFAULT_REGION country.
        "CALLBACK_COUNTRIES": env.get("CALLBACK_COUNTRIES", ""),
        # More numbers of ours (E.164, comma-separated) that must never be called back.
        "CALLBACK_OWN_NUMBERS": env.get("CALLBACK_OWN_NUMBERS", ""),
        # Callback requests taken per number, and from all numbers, in an hour.
        "CALLBACK_LIMIT_PER_NUMBER": count_setting(env, "CALLBACK_LIMIT_PER_NUMBER", 3),
        "CALLBACK_LIMIT_PER_HOUR": count_setting(env, "CALLBACK_LIMIT_PER_HOUR", 100),
    }


def _items(value: str | Iterable[str]) -> list[str]:
    """A comma-separated setting (or a list of values, from a test) as its items."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [part.strip() for part in parts if part.strip()]


def callback_countries(settings: Mapping[str, Any]) -> frozenset[str]:
    """The countries we call back (ISO codes): ``CALLBACK_COUNTRIES``, else DEFAULT_REGION's."""
    codes = [code.upper() for code in _items(settings.get("CALLBACK_COUNTRIES", ""))]
    if not codes:
        region = str(settings.get("DEFAULT_REGION", "")).strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ConfigError(
                "CALLBACK_COUNTRIES is not set and DEFAULT_REGION is not a country code: "
                f"{region!r}"
            )
        return frozenset({region})
    unknown = [code for code in codes if code not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise ConfigError(
            "CALLBACK_COUNTRIES must be ISO country codes separated by commas (such as US,CA), "
            f"not {unknown[0]!r}"
        )
    return frozenset(codes)


def callback_own_numbers(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """The numbers of ours named by ``CALLBACK_OWN_NUMBERS``."""
    numbers = _items(settings.get("CALLBACK_OWN_NUMBERS", ""))
    wrong = [number for number in numbers if not _E164.match(number)]
    if wrong:
        raise ConfigError(
            f"CALLBACK_OWN_NUMBERS must be E.164 numbers separated by commas, not {wrong[0]!r}"
        )
    return tuple(numbers)


def check_callback_settings(settings: Mapping[str, Any]) -> None:
    """Refuse callback settings the policy could not apply."""
    callback_countries(settings)
    callback_own_numbers(settings)
    for name in ("CALLBACK_LIMIT_PER_NUMBER", "CALLBACK_LIMIT_PER_HOUR"):
        value = settings[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
