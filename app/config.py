"""Settings read from the environment when ``create_app`` runs, with working local defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
        # Seconds a database or Redis call may wait within a web request before the store
        # counts as down (commands and workers wait longer for a lock).
        "STORE_TIMEOUT": _seconds(env, "STORE_TIMEOUT", 2.0),
        # Seconds a voice webhook may take before it stops and answers with a person anyway.
        "WEBHOOK_DEADLINE": _seconds(env, "WEBHOOK_DEADLINE", 5.0),
        # Seconds an agent has to accept a contact offered to them before it goes to the
        # next agent and they are set away.
        "OFFER_TIMEOUT": _seconds(env, "OFFER_TIMEOUT", 20.0),
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
    _check_webhook_time(settings)
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


# Twilio gives up on a webhook after 15 s. A SQLite lock wait begun just before the deadline
# cannot be cut short and may run STORE_TIMEOUT past it; 3 s are left for the network.
MOST_WEBHOOK_SECONDS = 12.0


def _check_webhook_time(settings: Mapping[str, Any]) -> None:
    """Refuse waits that would let a webhook answer after Twilio has given up on it."""
    deadline, store = settings["WEBHOOK_DEADLINE"], settings["STORE_TIMEOUT"]
    for name, value in (("STORE_TIMEOUT", store), ("WEBHOOK_DEADLINE", deadline)):
        if not value > 0:
            raise ConfigError(f"{name} must be above 0 seconds, not {value:g}")
    if not deadline + store <= MOST_WEBHOOK_SECONDS:
        raise ConfigError(
            f"WEBHOOK_DEADLINE plus STORE_TIMEOUT must be at most {MOST_WEBHOOK_SECONDS:g} "
            f"seconds, as Twilio gives up on a webhook after 15, not {deadline:g} + {store:g}"
        )
