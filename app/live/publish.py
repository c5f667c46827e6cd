"""Publishing live events: one small JSON message on one Redis channel, best effort."""

from __future__ import annotations

import json
import logging
import time

import redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import redis_store

log = logging.getLogger(__name__)

# The kinds pages listen for; what changed is in ``what``, where in ``queue`` or ``agent``.
KINDS = frozenset({"queue", "offer", "agent", "task", "switch", "text"})
CHANNEL = "helpline:live:%s"  # %s: the Redis database number
# Changes counted per queue: whoever caches a queue's waiting line knows when it is stale.
LINE_VERSION = "helpline:live:line:%s"
_PENDING = "live.pending"  # in a session's info: events waiting for its commit

Field = str | int | float | bool | None


def channel_of(client: redis.Redis) -> str:
    """The channel of ``client``'s database: pub/sub is server-wide, databases are not, and
    two helplines (or test runs) sharing a server must not see each other's events."""
    return CHANNEL % client.connection_pool.connection_kwargs.get("db", 0)


def publish(kind: str, **fields: Field) -> None:
    """Tell every open live stream that something of ``kind`` changed; never raises a Redis
    error (a webhook must not fail because a page will not hear of it)."""
    send(redis_store.client, kind, **fields)


def send(client: redis.Redis, kind: str, **fields: Field) -> None:
    """``publish`` on a given client (the queue store's, which may run outside a request)."""
    if kind not in KINDS:
        raise ValueError(f"unknown live event kind {kind!r}")
    message = json.dumps({"kind": kind, **fields, "at": round(time.time(), 3)})
    queue = fields.get("queue")
    try:
        if isinstance(queue, str) and queue:
            # One round trip: the line's count goes up before anyone hears of the change.
            pipe = client.pipeline(transaction=False)
            pipe.incr(LINE_VERSION % queue)
            pipe.publish(channel_of(client), message)
            pipe.execute()
        else:
            client.publish(channel_of(client), message)
    except RedisError as exc:
        # Pages miss this one event; the next, or their reconnection, brings them up to date.
        log.warning("live event %s not published: %s", kind, type(exc).__name__)


def publish_on_commit(session: Session, kind: str, **fields: Field) -> None:
    """``publish`` once ``session`` commits (none if it rolls back): a page re-fetching at
    once must find the change in the database."""
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _send_pending)
        event.listen(session, "after_soft_rollback", _drop_pending)
    pending.append((kind, fields))


def _send_pending(session: Session) -> None:
    events, session.info[_PENDING] = session.info.get(_PENDING, []), []
    for kind, fields in events:
        publish(kind, **fields)


def _drop_pending(session: Session, _transaction: object) -> None:
    session.info[_PENDING] = []
