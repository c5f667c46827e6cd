"""Settings read from the environment when ``create_app`` runs, with working local defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import phonenumbers

ENVIRONMENTS = ("development", "testing", "production")

# Settings that production must not run without; the message names the variable.
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "TWILIO_AUTH_TOKEN")

DEV_SECRET_KEY = "dev-only-insecure-key"
DEV_AUTH_TOKEN = "dev-only-auth-token"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names the variable."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None


def load_settings(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from ``environ`` (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    default_db = "sqlite:///" + str(Path(instance_path) / "helpline.db")
    return {
        "HELPLINE_ENV": env.get("HELPLINE_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "DATABASE_URL": env.get("DATABASE_URL") or default_db,
        "REDIS_URL": env.get("REDIS_URL") or "redis://localhost:6379/0",
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_API_BASE": env.get("TWILIO_API_BASE", ""),
        "TWILIO_VALIDATE_SIGNATURES": _flag(env.get("TWILIO_VALIDATE_SIGNATURES"), True),
        # The company's Twilio number: caller ID for callbacks and broadcasts.
        "TWILIO_NUMBER": env.get("TWILIO_NUMBER", ""),
        "FALLBACK_NUMBER": env.get("FALLBACK_NUMBER") or "+15005550006",
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/"),
        "DEFAULT_REGION": env.get("DEFAULT_REGION", "US"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Directory of IVR flow files; empty means the flows shipped with the package.
        "FLOWS_DIR": env.get("FLOWS_DIR", ""),
        # A routing weights file (YAML); empty means the defaults shipped in routing/.
        "ROUTING_WEIGHTS": env.get("ROUTING_WEIGHTS", ""),
        "HOLD_MUSIC_URL": env.get("HOLD_MUSIC_URL")
        or "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3",
        # Twilio's webhooks are a few kilobytes; nothing we accept comes near this.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Seconds a health check or a fault-path store call may block before giving up.
        "STORE_TIMEOUT": float(env.get("STORE_TIMEOUT", "2")),
        # Seconds an agent has to accept a contact offered to them before it goes to the
        # next agent and they are set away.
        "OFFER_TIMEOUT": _seconds(env, "OFFER_TIMEOUT", 20.0),
        **_callback_settings(env),
    }


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse settings that would run production unsafely."""
    environment = settings["HELPLINE_ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"HELPLINE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}"
        )
    if not settings["OFFER_TIMEOUT"] > 0:
        raise ConfigError(f"OFFER_TIMEOUT must be above 0 seconds, not {settings['OFFER_TIMEOUT']}")
    check_callback_settings(settings)
    if environment != "production":
        return
    for name in REQUIRED_IN_PRODUCTION:
        if not settings.get(name):
            raise ConfigError(f"{name} must be set when HELPLINE_ENV=production")
    if not settings["TWILIO_VALIDATE_SIGNATURES"]:
        raise ConfigError(
            "TWILIO_VALIDATE_SIGNATURES may be turned off for local development only, "
            "not when HELPLINE_ENV=production"
        )


# The callback policy's settings (app/services/callback_policy.py): where we call back, which
# numbers are ours besides the Twilio and fallback numbers, and how many callbacks an hour.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _callback_settings(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        # ISO country codes, comma-separated; empty means the DEFAULT_REGION country.
        "CALLBACK_COUNTRIES": env.get("CALLBACK_COUNTRIES", ""),
        # More numbers of ours (E.164, comma-separated) that must never be called back.
        "CALLBACK_OWN_NUMBERS": env.get("CALLBACK_OWN_NUMBERS", ""),
        # Callback requests taken per number, and from all numbers, in an hour.
        "CALLBACK_LIMIT_PER_NUMBER": _count(env, "CALLBACK_LIMIT_PER_NUMBER", 3),
        "CALLBACK_LIMIT_PER_HOUR": _count(env, "CALLBACK_LIMIT_PER_HOUR", 100),
    }


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


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
