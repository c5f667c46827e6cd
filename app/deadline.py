"""A webhook's deadline: past it, the request stops waiting on its stores, so it can answer.

Twilio waits 15 s for a webhook's TwiML, then gives up on it. A request that is still
waiting for a database at its deadline is stopped in one of two ways, since Python runs
signal handlers in the main thread only:

- In the main thread (gunicorn's sync workers, Flask's test client), a one-shot
  ``setitimer`` raises ``DeadlineExceeded`` from a SIGALRM handler, wherever the request
  is: in Python code, a socket read, or psycopg waiting for a server that never answers
  (psycopg's wait checks for signals every 0.1 s).
- In any other thread (gthread workers, a threaded development server), a watchdog thread
  shuts down the sockets of the PostgreSQL connections the request holds, so psycopg's
  wait ends in an ``OperationalError``; and the request may check out no more connections.

Neither cuts short SQLite waiting for another process's write lock: that C loop sleeps
through signals and ``interrupt()``. Its busy timeout, ``STORE_TIMEOUT`` within a request,
bounds it instead (see ``app.store_waits``).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal.getsignal, without its slow wrapper
import logging
import os
import signal
import socket
import sqlite3
import threading
import time
from contextvars import ContextVar
from types import FrameType, TracebackType
from typing import Any

log = logging.getLogger(__name__)


class DeadlineExceeded(BaseException):
    """The request's time is up.

    Not an ``Exception``, so no ``except Exception`` on the way out swallows it; SQLAlchemy
    then invalidates a connection it interrupts, and redis-py drops one it was reading
    from. (psycopg asks the server to cancel on KeyboardInterrupt and SystemExit only, and
    that would wait again on the very server that hangs.)
    """


class Deadline:
    """One request's time limit, and the database connections it holds meanwhile."""

    __slots__ = ("expires", "expired", "connections")

    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds
        self.expired = False
        self.connections: list[Any] = []

    @property
    def passed(self) -> bool:
        """Whether time is up, even if the signal or the watchdog has not said so yet."""
        return self.expired or time.monotonic() >= self.expires

    def left(self) -> float:
        """Seconds left; ``DeadlineExceeded`` if none."""
        seconds = self.expires - time.monotonic()
        if self.expired or seconds <= 0:
            self.expired = True
            raise DeadlineExceeded("no database connection after the deadline")
        return seconds

    def hold(self, dbapi_connection: Any) -> None:
        """Note a connection the request uses; none may be taken once time is up."""
        if self.expired:
            raise DeadlineExceeded("no database connection after the deadline")
        if dbapi_connection not in self.connections:
            self.connections.append(dbapi_connection)

    def release(self, dbapi_connection: Any) -> None:
        """The connection went back to the pool."""
        if dbapi_connection in self.connections:
            self.connections.remove(dbapi_connection)

    def expire(self) -> None:
        """Time is up: wake the request from any wait on its database connections."""
        self.expired = True
        for connection in list(self.connections):
            _break(connection)


_current: ContextVar[Deadline | None] = ContextVar("helpline_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the request running here, if it has one."""
    return _current.get()


class within:  # noqa: N801 - used as a function: ``with within(5): ...``
    """Give the code in the ``with`` block ``seconds``; then ``DeadlineExceeded`` stops it."""

    __slots__ = ("deadline", "_token", "_watched")

    def __init__(self, seconds: float) -> None:
        self.deadline = Deadline(seconds)

    def __enter__(self) -> Deadline:
        self._token = _current.set(self.deadline)
        self._watched = not _alarm(self.deadline)
        if self._watched:
            _watchdog.watch(self.deadline)
        return self.deadline

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._watched:
            _watchdog.forget(self.deadline)
        else:
            _disarm()
        _current.reset(self._token)


# The main thread's armed deadline; only the main thread reads or writes it.
_alarmed: Deadline | None = None
REPEAT = 0.2  # seconds between raises, should one be swallowed


def _alarm(deadline: Deadline) -> bool:
    """Arm SIGALRM for ``deadline`` if this is the main thread and the signal is free."""
    global _alarmed
    if threading.current_thread() is not threading.main_thread() or _alarmed is not None:
        return False
    # Asked every time: RQ's job timeouts, for one, put SIG_DFL back when a job ends, and an
    # alarm with no handler ends the process. (_signal's getsignal: signal's takes 1-2 us.)
    handler = _signal.getsignal(signal.SIGALRM)
    if handler is not _on_alarm:
        if handler not in (signal.SIG_DFL, None):  # someone else's: leave it to them
            return False
        signal.signal(signal.SIGALRM, _on_alarm)
    _alarmed = deadline
    signal.setitimer(signal.ITIMER_REAL, max(deadline.expires - time.monotonic(), 1e-3))
    return True


def _disarm() -> None:
    global _alarmed
    _alarmed = None  # first: a signal arriving from here on finds nothing to stop
    signal.setitimer(signal.ITIMER_REAL, 0)


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    global _alarmed
    deadline = _alarmed
    if deadline is None:
        return
    remaining = deadline.expires - time.monotonic()
    if remaining > 0:  # a stray SIGALRM: keep waiting for ours
        signal.setitimer(signal.ITIMER_REAL, remaining)
        return
    deadline.expired = True
    # Again every REPEAT seconds until the ``within`` block ends: a signal that lands while
    # a gc callback or a ``__del__`` runs has its exception swallowed by Python ("Exception
    # ignored in ..."), and the request would run on past its deadline. Every handler of
    # DeadlineExceeded is outside the block, so a raise that did end it is the only one.
    signal.setitimer(signal.ITIMER_REAL, REPEAT)
    raise DeadlineExceeded("the webhook deadline passed")


def _break(dbapi_connection: Any) -> None:
    """Make a thread's wait on ``dbapi_connection`` end, with an error, now."""
    try:
        pgconn = getattr(dbapi_connection, "pgconn", None)
        if pgconn is not None:
            # Shut the socket down under libpq (a duplicate descriptor, so psycopg still
            # owns and closes its own): its poll() wakes up to a closed connection.
            with socket.socket(fileno=os.dup(pgconn.socket)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        elif isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.interrupt()  # ends a long statement, not a wait for a lock
    except Exception:  # already closed, or never opened: nothing is waiting on it
        log.debug("could not break a connection past its deadline", exc_info=True)


class _Watchdog:
    """A thread that expires the deadlines of requests running outside the main thread."""

    TICK = 0.05

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: set[Deadline] = set()
        self._pid = 0  # the process the thread runs in (none survives a fork)

    def watch(self, deadline: Deadline) -> None:
        with self._lock:
            self._watched.add(deadline)
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="webhook-deadlines", daemon=True).start()

    def forget(self, deadline: Deadline) -> None:
        with self._lock:
            self._watched.discard(deadline)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                due = [deadline for deadline in self._watched if deadline.expires <= now]
                self._watched.difference_update(due)
            for deadline in due:
                log.debug("a request off the main thread passed its deadline; stopping it")
                deadline.expire()


_watchdog = _Watchdog()
