"""Log-in throttling: failed log-ins counted per account and per client address.

Flask-Limiter keeps the counts in Redis (moving windows), shared by every web process and
by every way of logging in (the scopes are fixed, not per endpoint). Only failed attempts
count, so a shift of agents behind one office address logs in freely; once a limit is
used up, even the right password waits, or guessing would go on. A refused attempt
answers 429 with ``Retry-After``.

The client address is the connection's peer; behind proxies, ``TRUSTED_PROXIES`` says how
many of them append to ``X-Forwarded-For`` (werkzeug's ProxyFix reads it then). Left at
0, the header is ignored: a client could write any address into it.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.strategies import RateLimiter

from app.sessions import WEBHOOK_PREFIXES

F = TypeVar("F", bound=Callable[..., Any])


def client_address() -> str:
    """The client's address, as far as the trusted proxies vouch for it."""
    return request.remote_addr or "unknown"


class _PerAppLimiter(Limiter):
    """Flask-Limiter counting in the Redis of the app at hand.

    The extension keeps the storage of the last app it was attached to: a process with
    two apps (tests build many) would count one app's log-ins in the other's Redis.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.extensions["login_limits.counter"] = super().limiter

    @property
    def limiter(self) -> RateLimiter:
        counter: RateLimiter = current_app.extensions["login_limits.counter"]
        return counter


limiter = _PerAppLimiter(key_func=client_address, strategy="moving-window")


def init_login_limits(app: Flask) -> None:
    """Count failed log-ins in the app's Redis."""
    app.config.update(
        RATELIMIT_STORAGE_URI=app.config["REDIS_URL"],
        # The app's own connections, with its STORE_TIMEOUT; keys beside the app's others.
        RATELIMIT_STORAGE_OPTIONS={
            "connection_pool": app.extensions["redis"].connection_pool,
            "key_prefix": "helpline:limits",
        },
    )
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_attempts)


@limiter.request_filter
def _webhook() -> bool:
    # Webhooks are never throttled here: skip even looking for limits.
    return request.path.startswith(WEBHOOK_PREFIXES)


def throttled(email: Callable[[], str]) -> Callable[[F], F]:
    """Limit a log-in view's failures per account (``email()`` names it) and per address."""

    def per_account() -> str:
        # Hashed: any length of input makes one short key, and no email sits in Redis.
        normalized = email().strip().lower().encode("utf-8", "replace")
        return "account:" + hashlib.sha256(normalized).hexdigest()

    def decorate(view: F) -> F:
        view = limiter.shared_limit(
            lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
            scope="log-in-account",
            key_func=per_account,
            deduct_when=_failed,
        )(view)
        return limiter.shared_limit(
            lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
            scope="log-in-address",
            key_func=lambda: "address:" + client_address(),
            deduct_when=_failed,
        )(view)

    return decorate


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _too_many_attempts(_error: RateLimitExceeded) -> Response:
    limit = limiter.current_limit
    # When the oldest counted failure leaves the window, one attempt is allowed again.
    wait = max(1, math.ceil(limit.window.reset_time - time.time())) if limit else 60
    response = jsonify(error=f"too many failed log-ins: try again in {wait} seconds")
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response
