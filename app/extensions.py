"""Extensions created unbound and attached to an app with ``init_app``.

Nothing here connects at import time: engines and clients are made when the
factory runs, and connections are opened on first use.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app, g, has_request_context
from rq import Queue
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.deadline import DeadlineExceeded, within
from app.store_breaker import SkippingConnection, StoreBreaker
from app.store_waits import bound_waits

log = logging.getLogger(__name__)

_FOR_REQUEST = "helpline.for_request"  # in a session's info: opened by a web request


def make_engine(url: str, timeout: float = 2.0) -> Engine:
    """An engine for ``url`` whose every wait within a web request is bounded by ``timeout``.

    Commands and jobs wait longer for a lock (see ``app.store_waits``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # No pool_pre_ping: store_waits pings on checkout, once the request's deadline knows
        # the connection and can break it if the server hangs.
        engine = create_engine(url, connect_args={"connect_timeout": max(1, int(timeout))})
    bound_waits(engine, timeout)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the worker write while the web reads.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the database; a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """The SQLAlchemy engine of an app and a session per request, job or command."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config["STORE_TIMEOUT"])
        app.extensions["db.engine"] = engine
        app.extensions["db.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["db.engine"]
        return engine

    @property
    def session(self) -> Session:
        """The session of the current app context, opened on first use."""
        if "db_session" not in g:
            g.db_session = current_app.extensions["db.sessionmaker"]()
            g.db_session.info[_FOR_REQUEST] = has_request_context()
        session: Session = g.db_session
        return session

    def roll_back(self) -> None:
        """Roll back the current session's transaction, if one is open."""
        session = g.get("db_session")
        if session is not None and session.in_transaction():
            session.rollback()

    def discard_session(self) -> None:
        """Drop the current session and throw its connection away, without a word to the
        server (it may be hung, or mid-statement); the server rolls the transaction back."""
        session = g.pop("db_session", None)
        if session is not None:
            session.invalidate()

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is None:
            return
        if not (session.info.get(_FOR_REQUEST) and session.in_transaction()):
            session.close()
            return
        # A request's reads end in a rollback, and the answer waits for it: bounded, so a
        # database that stopped answering cannot hold a web worker.
        try:
            with within(current_app.config["STORE_TIMEOUT"]) as deadline:
                # Off the main thread the deadline breaks what it knows of: tell it.
                deadline.hold(session.connection().connection.dbapi_connection)
                session.close()
        except (Exception, DeadlineExceeded):
            log.warning("closing a request's session failed; its connection is dropped")
            session.invalidate()


class RedisStore:
    """The Redis client and the RQ queues of an app."""

    QUEUE_NAMES = ("default", "broadcasts")

    def init_app(self, app: Flask) -> None:
        timeout = app.config["STORE_TIMEOUT"]
        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            health_check_interval=30,
            connection_class=SkippingConnection,
            breaker=store_breaker(app),
        )
        app.extensions["redis"] = client
        app.extensions["rq.queues"] = {
            name: Queue(name, connection=client) for name in self.QUEUE_NAMES
        }

    @property
    def client(self) -> redis.Redis:
        client: redis.Redis = current_app.extensions["redis"]
        return client

    def queue(self, name: str = "default") -> Queue:
        queue: Queue = current_app.extensions["rq.queues"][name]
        return queue


def store_breaker(app: Flask) -> StoreBreaker:
    """The stores ``app``'s voice webhooks found not answering in time (``app.store_breaker``)."""
    breaker: StoreBreaker = app.extensions.setdefault(
        "stores.breaker", StoreBreaker(app.config["STORE_RETRY_SECONDS"])
    )
    return breaker


db = Database()
redis_store = RedisStore()
