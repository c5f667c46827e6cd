"""How long the database may keep a web request waiting, and how long a command or a job.

Within a web request every wait is bounded by ``STORE_TIMEOUT``: SQLite's busy timeout (a
write lock held by another process), PostgreSQL's ``statement_timeout`` and
``lock_timeout``. The request's deadline (``app.deadline``) also learns of each connection
it uses, before any round trip on it, so that it can break one that hangs.

Outside a request (commands such as imports, migrations and the demo loader; RQ jobs) SQLite
waits ``BATCH_WAIT`` for a lock and PostgreSQL's own settings apply: no caller is on the
line, and an import that gave up after two seconds behind a webhook's write would only have
to be run again.

One app's pool can serve both (the tests run commands and requests on one app), so the
waits are set on checkout, with a round trip only when they change: in a web process, once
per connection.

Past a request's deadline, the deadline's exception wins: a ping or a ``SET`` it cut short
is never taken for a dropped connection (which the pool would replace by dialing the
server that hangs), and no connection is dialed at all. Before it, a connect waits no
longer than ``STORE_TIMEOUT`` nor past the deadline; psycopg waits at least 2 s, whatever
it is told, which the settings check counts (``app.config``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import has_request_context
from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

from app.deadline import DeadlineExceeded, current_deadline

BATCH_WAIT = 15.0  # seconds a command or a job waits for SQLite's write lock

_WAITS = "helpline.waits"  # in a connection's info: the waits it has now
_FRESH = "helpline.fresh"  # just connected: no need to ping it
_DEADLINE = "helpline.deadline"  # the deadline of the request holding it


def bound_waits(engine: Engine, timeout: float) -> None:
    """Set ``engine``'s waits per context, and tell each request's deadline its connections."""
    if engine.dialect.name == "sqlite":
        apply: Callable[[Any, float | None], None] = _set_busy_timeout
        ping = None
    else:
        apply, ping = _set_statement_timeouts, engine.dialect.do_ping

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        _hold(dbapi_connection, record)
        within_request = has_request_context()
        try:
            apply(dbapi_connection, timeout if within_request else None)
        except Exception as exc:
            _stop_if_late(exc)
            raise
        record.info[_WAITS] = within_request
        record.info[_FRESH] = True

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        _hold(dbapi_connection, record)  # first: the round trips below may hang
        within_request = has_request_context()
        fresh = record.info.pop(_FRESH, False)
        try:
            if record.info.get(_WAITS) is not within_request:
                apply(dbapi_connection, timeout if within_request else None)
                record.info[_WAITS] = within_request
            elif ping is not None and not fresh:
                ping(dbapi_connection)
        except Exception as exc:  # a connection the server dropped: the pool makes a new one
            _stop_if_late(exc)
            raise DisconnectionError(str(exc)) from exc

    def on_checkin(dbapi_connection: Any, record: Any) -> None:
        deadline = record.info.pop(_DEADLINE, None)
        if deadline is not None:
            deadline.release(dbapi_connection)

    # First among the connect listeners: the dialect's own run queries that may hang.
    event.listen(engine, "connect", on_connect, insert=True)
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)
    if engine.dialect.name != "sqlite":  # SQLite opens a file: nothing to wait for
        event.listen(engine, "do_connect", partial(_connect_in_time, timeout))


def _connect_in_time(
    timeout: float, _dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]
) -> None:
    """Within a request's deadline: never dial past it, nor wait to connect beyond it."""
    deadline = current_deadline()
    if deadline is not None:
        cparams["connect_timeout"] = max(1, int(min(timeout, deadline.left())))


def _stop_if_late(error: Exception) -> None:
    """Past the request's deadline, raise its exception instead of ``error``.

    The deadline's exception may have been replaced on its way out: psycopg's ping resets
    ``autocommit`` in a ``finally`` on a connection still busy, which raises anew; off the
    main thread the watchdog's cut shows as an ``OperationalError``.
    """
    deadline = current_deadline()
    if deadline is not None and deadline.passed:
        deadline.expired = True
        raise DeadlineExceeded("the deadline passed while the database was asked") from error


def _hold(dbapi_connection: Any, record: Any) -> None:
    deadline = current_deadline()
    if deadline is not None:
        deadline.hold(dbapi_connection)
        record.info[_DEADLINE] = deadline


def _set_busy_timeout(dbapi_connection: Any, seconds: float | None) -> None:
    milliseconds = round((BATCH_WAIT if seconds is None else seconds) * 1000)
    dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")


def _set_statement_timeouts(dbapi_connection: Any, seconds: float | None) -> None:
    # Both: lock_timeout names a lock as the cause in the log, statement_timeout bounds the rest.
    value = "DEFAULT" if seconds is None else str(max(1, round(seconds * 1000)))
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET outside a transaction lasts for the session
    try:
        dbapi_connection.execute(f"SET statement_timeout = {value}; SET lock_timeout = {value}")
    finally:
        dbapi_connection.autocommit = autocommit
