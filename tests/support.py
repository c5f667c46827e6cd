"""Helpers for tests: Twilio-shaped requests and settings for an app under test."""

from __future__ import annotations

import os
import uuid
from typing import Any

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "a1" * 16
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE_URL = "https://helpline.example.com"
FALLBACK_NUMBER = "+15005550006"


def _test_redis_url() -> str:
    """The Redis database this test process flushes at will: ``TEST_REDIS_URL`` (default
    15); with pytest-xdist, worker ``gwN`` takes the Nth database below it, so parallel
    workers never flush each other's data (database 0, where ``scripts/run`` keeps its
    data, is never taken)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or worker == "gw0":
        return url
    base, _, db = url.rpartition("/")
    number = int(db or 0) - int(worker[2:])
    if number < 1:
        raise RuntimeError(f"no Redis database left for test worker {worker} below {url}")
    return f"{base}/{number}"


TEST_REDIS_URL = _test_redis_url()


def app_settings(**overrides: Any) -> dict[str, Any]:
    """Settings for an app under test; keyword arguments override them."""
    settings: dict[str, Any] = {
        "HELPLINE_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "REDIS_URL": TEST_REDIS_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE": "",
        "TWILIO_VALIDATE_SIGNATURES": True,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FALLBACK_NUMBER": FALLBACK_NUMBER,
        "STORE_TIMEOUT": 1.0,
    }
    settings.update(overrides)
    return settings


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """The ``X-Twilio-Signature`` Twilio would send for a form post of ``params`` to ``url``."""
    return RequestValidator(token).compute_signature(url, params)


def call_params(**overrides: str) -> dict[str, str]:
    """A voice webhook's form as Twilio sends it for an inbound call."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA" + uuid.uuid4().hex,
        "CallStatus": "ringing",
        "Called": "+15558675310",
        "CalledCountry": "US",
        "Caller": "+14155550123",
        "CallerCountry": "US",
        "Direction": "inbound",
        "From": "+14155550123",
        "FromCountry": "US",
        "To": "+15558675310",
        "ToCountry": "US",
    }
    params.update(overrides)
    return params


def unused_port() -> int:
    """A local port nothing listens on (for a store that is down, or a server to start)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed_post(client: Any, path: str, params: dict[str, str]) -> Any:
    """Post ``params`` to ``path`` with the signature Twilio would send."""
    signature = sign(PUBLIC_BASE_URL + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def process_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``helpline`` process started by a test: production settings."""
    env = dict(os.environ)
    env.update(
        HELPLINE_ENV="production",
        SECRET_KEY="process-test-secret-0123456789abcdef",
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        DATABASE_URL=database_url,
        REDIS_URL=TEST_REDIS_URL,
        FALLBACK_NUMBER=FALLBACK_NUMBER,
        TWILIO_NUMBER="+14155550100",
    )
    env.update(extra)
    return env
