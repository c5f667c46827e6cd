"""A circuit breaker for the stores: a store a voice webhook found not answering in time is
skipped by this process's voice webhooks for ``STORE_RETRY_SECONDS``.

Without it, during a fault every call holds a web worker for up to ``WEBHOOK_DEADLINE``
and the calls behind it wait in line, past Twilio's 15 s. With it, the first call (one per
process) finds the store down; the calls after it answer their fallback at once. Once the
time is up, the next call tries the store again (the others still skip it meanwhile): if
that call is answered without a store fault, the store is used again; if not, it is
skipped for another while.

Per process, in memory: checking it costs a dictionary test, where a marker shared in Redis
would cost every call a round trip (to a store that may be the one down), and each process
finds a fault at the cost of one call per period. Only waits trip it (a lock or statement
timeout, a connect or Redis timeout, the deadline): a store that refuses at once costs
nothing to ask, and Redis refusing leaves the menus working (they need no Redis).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import psycopg
import redis
from sqlalchemy import exc as sqlalchemy_errors

from app.deadline import DeadlineExceeded, current_deadline

log = logging.getLogger(__name__)

DATABASE = "database"
REDIS = "redis"
_NAMES = {DATABASE: "the database", REDIS: "Redis"}  # in log lines

# Errors that mean the database did not answer in time (PostgreSQL's statement and lock
# timeouts, a connect timeout, the pool's wait); SQLite's busy timeout says "locked".
_DATABASE_WAITS = (
    psycopg.errors.QueryCanceled,
    psycopg.errors.LockNotAvailable,
    psycopg.errors.ConnectionTimeout,
    sqlalchemy_errors.TimeoutError,
)
# The libraries a request waits in, by the store they wait for (innermost frame first).
_LIBRARIES = (("redis", REDIS), ("psycopg", DATABASE), ("sqlalchemy", DATABASE))


class StoreBreaker:
    """The stores this process's voice webhooks skip, and until when."""

    __slots__ = ("seconds", "_clock", "_until", "_trying", "_lock")

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: dict[str, float] = {}
        self._trying: set[str] = set()
        self._lock = threading.Lock()

    @property
    def any_down(self) -> bool:
        """Whether any store is skipped or being tried (one test, on every call)."""
        return bool(self._until)

    def skips(self, store: str) -> bool:
        """Whether to skip ``store`` now. Past its time, the caller of this tries it: the
        others skip it meanwhile, until the try ends (``answered`` or ``trip``)."""
        if not self._until:  # the usual case, on every call: nothing down
            return False
        now = self._clock()
        with self._lock:
            until = self._until.get(store)
            if until is None:
                return False
            if now < until:
                return True
            self._until[store] = now + self.seconds
            self._trying.add(store)
        return False

    def is_skipped(self, store: str) -> bool:
        """Whether ``store`` is skipped now (no trying it here)."""
        until = self._until.get(store)
        return until is not None and self._clock() < until

    def trip(self, store: str) -> None:
        """``store`` did not answer in time: skip it for ``seconds``."""
        if store not in self._trying and self.is_skipped(store):
            return  # known already: another call found it down a moment ago
        log.warning(
            "%s did not answer in time: voice webhooks skip it for %g s",
            _NAMES.get(store, store),
            self.seconds,
        )
        with self._lock:
            self._until[store] = self._clock() + self.seconds
            self._trying.discard(store)

    def found(self, error: BaseException) -> str | None:
        """Trip the store that ``error`` says did not answer in time; that store, if any."""
        store = store_at_fault(error)
        if store is not None:
            self.trip(store)
        return store

    def answered(self, store: str) -> None:
        """``store`` answered (or a call that tried it failed for another reason): if it
        was being tried, it is used again."""
        if store not in self._trying:  # the usual case: nothing tried
            return
        with self._lock:
            if store in self._trying:
                self._trying.discard(store)
                self._until.pop(store, None)
                log.info("%s answers again: voice webhooks use it again", _NAMES.get(store, store))


class SkippingConnection(redis.connection.Connection):
    """A Redis connection that a voice webhook does not wait on once this process found
    Redis not answering in time: it fails at once, as a Redis that is down would, and the
    app's usual answer to that follows (the menus go on without Redis; what needs it falls
    back). Commands and jobs, which have no deadline, neither trip it nor are skipped."""

    def __init__(self, *args: Any, breaker: StoreBreaker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._breaker = breaker

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if self._breaker.any_down and current_deadline() is not None:
            if self._breaker.skips(REDIS):
                raise redis.exceptions.ConnectionError("Redis is skipped for a while: not asked")
        try:
            super().send_packed_command(command, check_health)
        except (redis.exceptions.TimeoutError, DeadlineExceeded):
            self._waited_out()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().read_response(*args, **kwargs)
        except (redis.exceptions.TimeoutError, DeadlineExceeded):
            self._waited_out()
            raise
        self._breaker.answered(REDIS)
        return response

    def _waited_out(self) -> None:
        if current_deadline() is not None:
            self._breaker.trip(REDIS)


def store_at_fault(error: BaseException) -> str | None:
    """The store (``DATABASE`` or ``REDIS``) whose wait ``error`` ended, if a wait did."""
    chain = list(_chain(error))
    for each in chain:
        if isinstance(each, redis.exceptions.TimeoutError):
            return REDIS
        if isinstance(each, _DATABASE_WAITS) or _sqlite_busy(each):
            return DATABASE
    if any(isinstance(each, DeadlineExceeded) for each in chain):
        # Where the request was waiting when time ran out (or, off the main thread, where
        # the watchdog's cut found it): a store's client library, or none.
        for each in chain:
            store = _waiting_in(each.__traceback__)
            if store is not None:
                return store
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then what caused it or what it was raised while handling, in turn."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__  # type: ignore[assignment]


def _sqlite_busy(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error)
    )


def _waiting_in(traceback: TracebackType | None) -> str | None:
    """The store whose client library the innermost frames of ``traceback`` belong to."""
    frames: list[str] = []
    while traceback is not None:
        frames.append(traceback.tb_frame.f_globals.get("__name__", ""))
        traceback = traceback.tb_next
    for module in reversed(frames):
        for library, store in _LIBRARIES:
            if module == library or module.startswith(library + "."):
                return store
    return None
