"""Settings read from the environment when ``create_app`` runs, with working local defaults."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many

from knowledge_base.search import DEFAULT_DEFLECT_THRESHOLD

ENVIRONMENTS = ("development", "testing", "production")

# Settings that production must not run without; the message names the variable.
# TWILIO_NUMBER is the caller ID of every callback: Twilio refuses a call without one.
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")

DEV_SECRET_KEY = "dev-only-insecure-key"
DEV_AUTH_TOKEN = "dev-only-auth-token"
# The published development values, which anyone can read: production refuses them.
DEV_VALUES = {"SECRET_KEY": DEV_SECRET_KEY, "TWILIO_AUTH_TOKEN": DEV_AUTH_TOKEN}
# Sessions are signed with SECRET_KEY; fewer random bytes than this can be guessed offline.
MIN_SECRET_KEY_BYTES = 32

# Settings in seconds: each must be a finite number above 0.
SECONDS_SETTINGS = (
    "STORE_TIMEOUT",
    "STORE_RETRY_SECONDS",
    "WEBHOOK_DEADLINE",
    "OFFER_TIMEOUT",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_LIFETIME",
    "BROADCAST_STALE_SECONDS",
    "BROADCAST_HOLD_MOST_SECONDS",
)
# Rate limits in the notation of `limits` (as Flask-Limiter's), e.g. "5 per minute; 20 per hour".
RATE_LIMIT_SETTINGS = (
    "LOGIN_LIMIT_PER_ACCOUNT",
    "LOGIN_LIMIT_PER_ADDRESS",
    "COMMUNITY_POST_LIMIT",
    "COMMUNITY_SIGNUP_LIMIT",
    "COMMUNITY_FLAG_LIMIT",
    "STATUS_SUBSCRIBE_LIMIT",
)


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """An on/off setting; a value that is neither (a typo of "true") is refused, never
    read as off: TWILIO_VALIDATE_SIGNATURES=ture must not turn signature checks off."""
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ConfigError(f"{name} must be one of 1, 0, true, false, yes, no, on, off, not {value!r}")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None


def count_setting(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def load_settings(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from ``environ`` (``os.environ`` by default)."""
    from app.callback_settings import callback_settings  # it reads settings the way we do
    from app.texting_settings import texting_settings
    from app.web_settings import web_settings

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
        "TWILIO_VALIDATE_SIGNATURES": _flag(env, "TWILIO_VALIDATE_SIGNATURES", True),
        # The company's Twilio number: caller ID for callbacks and broadcasts.
        "TWILIO_NUMBER": env.get("TWILIO_NUMBER", ""),
        "FALLBACK_NUMBER": env.get("FALLBACK_NUMBER") or "+15005550006",
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/"),
        "DEFAULT_REGION": env.get("DEFAULT_REGION", "US"),
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").strip().upper(),
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
        # Once a voice webhook found the database or Redis not answering in time, this
        # process's voice webhooks answer their fallback without waiting on that store for
        # this many seconds; then one call tries it again.
        "STORE_RETRY_SECONDS": _seconds(env, "STORE_RETRY_SECONDS", 5.0),
        # Seconds an agent has to accept a contact offered to them before it goes to the
        # next agent and they are set away.
        "OFFER_TIMEOUT": _seconds(env, "OFFER_TIMEOUT", 20.0),
        # The confidence (0..1) a knowledge-base answer needs before deflection sends it
        # instead of a person; the default was calibrated on BANKING77 (benchmarks/kb.py).
        "KB_DEFLECT_THRESHOLD": _number(env, "KB_DEFLECT_THRESHOLD", DEFAULT_DEFLECT_THRESHOLD),
        # Broadcast messages per second across every worker (Twilio's long-code default is
        # 1; a Messaging Service or short code allows more); 0 sends as fast as Twilio takes.
        "BROADCAST_MPS": _number(env, "BROADCAST_MPS", 1.0),
        # Broadcast calls placed per second across every worker (Twilio's calls per second
        # for an account: 1 unless raised); their own bucket, apart from the texts'.
        "BROADCAST_CPS": _number(env, "BROADCAST_CPS", 1.0),
        # Send jobs a broadcast starts with: as many as there are workers to share it.
        "BROADCAST_JOBS": count_setting(env, "BROADCAST_JOBS", 2),
        # Seconds before a broadcast text claimed by a worker that stopped is looked up at
        # Twilio and sent again if it never went: beyond any chunk's sending.
        "BROADCAST_STALE_SECONDS": _seconds(env, "BROADCAST_STALE_SECONDS", 60.0),
        # The longest a broadcast's wave is held for the queues' wait (--hold-while-wait):
        # past it the wave goes, whatever the wait, so an alert is never held for ever.
        "BROADCAST_HOLD_MOST_SECONDS": _seconds(env, "BROADCAST_HOLD_MOST_SECONDS", 1800.0),
        **callback_settings(env),
        **texting_settings(env),
        **_login_settings(env),
        **web_settings(env),
    }


def _login_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Sessions, log-in and public forms' throttling, and the proxies trusted to name the client."""
    return {
        # A session unused this long ends; the console's 20 s heartbeat keeps a working
        # agent's alive. Whatever its use, a session ends this long after log-in (a shift).
        "SESSION_IDLE_TIMEOUT": _seconds(env, "SESSION_IDLE_TIMEOUT", 30 * 60.0),
        "SESSION_LIFETIME": _seconds(env, "SESSION_LIFETIME", 12 * 3600.0),
        # Failed log-ins allowed per email and per client address before a 429.
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT")
        or "5 per minute; 20 per hour",
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS")
        or "20 per minute; 100 per hour",
        # Proxies in front of the app whose X-Forwarded-For names the client; 0 trusts none.
        "TRUSTED_PROXIES": count_setting(env, "TRUSTED_PROXIES", 0),
        # The community's writes: questions and answers together per member, sign-ups per
        # client address, flags per member.
        "COMMUNITY_POST_LIMIT": env.get("COMMUNITY_POST_LIMIT") or "6 per minute; 40 per day",
        "COMMUNITY_SIGNUP_LIMIT": env.get("COMMUNITY_SIGNUP_LIMIT") or "5 per hour; 20 per day",
        "COMMUNITY_FLAG_LIMIT": env.get("COMMUNITY_FLAG_LIMIT") or "20 per hour",
        # Requests to subscribe to status texts, per client address and per phone number:
        # each one texts the number, so a stranger's phone cannot be flooded.
        "STATUS_SUBSCRIBE_LIMIT": env.get("STATUS_SUBSCRIBE_LIMIT") or "3 per hour; 10 per day",
    }


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse settings that would run production unsafely."""
    environment = settings["HELPLINE_ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"HELPLINE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}"
        )
    from app.callback_settings import check_callback_settings
    from app.texting_settings import check_texting_settings
    from app.web_settings import check_web_settings

    _check_numbers(settings)
    check_web_settings(settings)
    _check_webhook_time(settings)
    _check_places(settings)
    check_callback_settings(settings)
    check_texting_settings(settings)
    if environment != "production":
        return
    for name in REQUIRED_IN_PRODUCTION:
        if not settings.get(name):
            raise ConfigError(f"{name} must be set when HELPLINE_ENV=production")
    _check_secrets(settings)
    if not settings["TWILIO_VALIDATE_SIGNATURES"]:
        raise ConfigError(
            "TWILIO_VALIDATE_SIGNATURES may be turned off for local development only, "
            "not when HELPLINE_ENV=production"
        )


def _check_numbers(settings: Mapping[str, Any]) -> None:
    """Durations above 0, a proxy count of 0 or more, rate limits `limits` can read."""
    for name in SECONDS_SETTINGS:
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name} must be a number of seconds, not {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number of seconds, not {value}")
        if not value > 0:
            raise ConfigError(f"{name} must be above 0 seconds, not {value:g}")
    proxies = settings["TRUSTED_PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number, 0 or more, not {proxies!r}")
    for name in RATE_LIMIT_SETTINGS:
        _check_rate_limit(name, settings[name])
    for name in ("BROADCAST_MPS", "BROADCAST_CPS"):
        rate = settings[name]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 10_000:
            raise ConfigError(f"{name} must be a number from 0 to 10000, not {rate!r}")
    jobs = settings["BROADCAST_JOBS"]
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= 100:
        raise ConfigError(f"BROADCAST_JOBS must be a whole number from 1 to 100, not {jobs!r}")
    threshold = settings["KB_DEFLECT_THRESHOLD"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ConfigError(f"KB_DEFLECT_THRESHOLD must be a number, not {threshold!r}")
    if not 0 < threshold <= 1:
        raise ConfigError(f"KB_DEFLECT_THRESHOLD must be above 0 and at most 1, not {threshold}")


def _check_rate_limit(name: str, value: object) -> None:
    try:
        # A limit of 0 would refuse every log-in, even the right password.
        valid = all(limit.amount > 0 for limit in parse_many(str(value)))
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError(
            f"{name} must be rate limits like '5 per minute; 20 per hour', not {value!r}"
        )


def _check_secrets(settings: Mapping[str, Any]) -> None:
    """Production secrets: not the published development values, a long enough key."""
    for name, published in DEV_VALUES.items():
        if settings[name] == published:
            raise ConfigError(
                f"{name} is the published development value; set your own when "
                "HELPLINE_ENV=production"
            )
    key = settings["SECRET_KEY"]
    if len(key if isinstance(key, bytes) else str(key).encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes when "
            "HELPLINE_ENV=production; make one with: openssl rand -hex 32"
        )


# Twilio gives up on a webhook after 15 s. A SQLite lock wait begun just before the deadline
# cannot be cut short and may run STORE_TIMEOUT past it; 3 s are left for the network.
MOST_WEBHOOK_SECONDS = 12.0
# psycopg waits at least this long for a connection, whatever connect_timeout says; off the
# main thread nothing cuts a connect short, so one begun just before the deadline may run
# this long past it.
POSTGRES_SHORTEST_CONNECT = 2.0


def _check_webhook_time(settings: Mapping[str, Any]) -> None:
    """Refuse waits that would let a webhook answer after Twilio has given up on it."""
    deadline, store = settings["WEBHOOK_DEADLINE"], settings["STORE_TIMEOUT"]
    longest_wait, why = store, ""
    if str(settings.get("DATABASE_URL", "")).startswith("postgresql"):
        longest_wait = max(store, POSTGRES_SHORTEST_CONNECT)
        if longest_wait > store:
            why = (
                f" (a connection to PostgreSQL may take {POSTGRES_SHORTEST_CONNECT:g} s, "
                "whatever STORE_TIMEOUT says)"
            )
    if not deadline + longest_wait <= MOST_WEBHOOK_SECONDS:
        most = f"{MOST_WEBHOOK_SECONDS:g} seconds"
        raise ConfigError(
            f"WEBHOOK_DEADLINE plus STORE_TIMEOUT must be at most {most}, as Twilio gives up "
            f"on a webhook after 15, not {deadline:g} + {store:g}{why}"
        )


def _check_places(settings: Mapping[str, Any]) -> None:
    """The log level, and URLs and files the app would otherwise fail on with a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if settings["LOG_LEVEL"] not in LOG_LEVELS:
        raise ConfigError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {settings['LOG_LEVEL']!r}"
        )
    try:
        make_url(settings["DATABASE_URL"]).get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
        raise ConfigError(
            "DATABASE_URL must be a database URL such as sqlite:///helpline.db or "
            f"postgresql+psycopg://user:pass@host/db ({exc})"
        ) from None
    if not str(settings["REDIS_URL"]).startswith(REDIS_SCHEMES):
        raise ConfigError(
            f"REDIS_URL must start with {', '.join(REDIS_SCHEMES)}, not {settings['REDIS_URL']!r}"
        )
    weights = settings.get("ROUTING_WEIGHTS")
    if weights and not Path(weights).is_file():
        raise ConfigError(f"ROUTING_WEIGHTS names no file: {weights!r}")
