"""How long the database may keep a web request waiting, and how long a command or a job.

Within a web request every wait is bounded by ``STORE_TIMEOUT``: SQLite's busy timeout (a
write lock held by another process), PostgreSQL's ``statement_timeout`` and
``lock_timeout``.

Outside a request (commands such as imports, migrations and the demo loader; RQ jobs) SQLite
waits ``BATCH_WAIT`` for a lock and PostgreSQL's own settings apply: no caller is on the
line, and an import that gave up after two seconds behind a webhook's write would only have
to be run again.

One pool can serve both (``helpline serve`` runs commands and requests in one process, as
do the tests), so the waits are set on checkout, with a round trip only when they change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_request_context
from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

BATCH_WAIT = 15.0  # seconds a command or a job waits for SQLite's write lock

_WAITS = "helpline.waits"  # in a connection's info: the waits it has now


def bound_waits(engine: Engine, timeout: float) -> None:
    """Set ``engine``'s waits per context: bounded within a web request, longer outside."""
    apply: Callable[[Any, float | None], None]
    if engine.dialect.name == "sqlite":
        apply = _set_busy_timeout
    else:
        apply = _set_statement_timeouts

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        within_request = has_request_context()
        apply(dbapi_connection, timeout if within_request else None)
        record.info[_WAITS] = within_request

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        within_request = has_request_context()
        if record.info.get(_WAITS) is within_request:
            return
        try:
            apply(dbapi_connection, timeout if within_request else None)
        except Exception as exc:  # a connection the server dropped: the pool makes a new one
            raise DisconnectionError(str(exc)) from exc
        record.info[_WAITS] = within_request

    # First among the connect listeners, so the dialect's own queries wait no longer.
    event.listen(engine, "connect", on_connect, insert=True)
    event.listen(engine, "checkout", on_checkout)


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
