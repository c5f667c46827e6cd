"""The queue store's offer lifecycle on Redis: take, return, answer, find stale offers.

``RedisQueueStore`` (``routing.redis_store``) is built on these classes; this module holds
what happens to a contact between waiting and answered, so each module stays readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from redis.commands.core import Script

from routing.redis_keys import (
    CONTACT_KEY,
    OFFERED_KEY,
    SCRIPTS,
    _entry,
    _fields,
    _row,
    _text,
    lua_source,
)
from routing.store import Answered, EntryState, QueueEntry, TakeResult, TakeStatus


class RedisScripts:
    """One Redis, a key prefix, a clock and the registered Lua scripts of the store."""

    def __init__(
        self,
        client: redis.Redis[Any],
        prefix: str = "helpline:",
        *,
        clock: Callable[[], float] = time.time,
        heartbeat_timeout: float = 60.0,
        service_level_seconds: float = 20.0,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self.heartbeat_timeout = heartbeat_timeout
        self.service_level_seconds = service_level_seconds
        # register_script talks to Redis only on first use (EVALSHA, then SCRIPT LOAD).
        self._scripts = {name: client.register_script(lua_source(name)) for name in SCRIPTS}

    def key(self, template: str, *parts: str) -> str:
        """The full Redis key for ``template`` (one of the ``*_KEY`` constants)."""
        return self._prefix + template % parts

    def _run(self, name: str, *args: Any, client: Any = None) -> Any:
        script: Script = self._scripts[name]
        return script(args=[self._prefix, *args], client=client)

    def entry(self, contact_id: str) -> QueueEntry | None:
        """The contact's entry (live, or a tombstone for an hour after it left)."""
        fields = _fields(self._client.hgetall(self.key(CONTACT_KEY, contact_id)))
        return _entry(fields, self._clock()) if fields else None


class RedisOffers(RedisScripts):
    """Offers: a contact handed to one agent, then answered or put back in its place."""

    def take_next(self, agent_id: str, queues: Sequence[str]) -> QueueEntry | None:
        """Offer the best waiting contact of ``queues`` this agent may take, if any."""
        if not queues:
            return None
        now = self._clock()
        row = self._run("take_next", agent_id, repr(now), *queues)
        return _entry(_row(row), now) if row else None

    def take(self, contact_id: str, agent_id: str) -> TakeResult:
        """Offer one specific contact to an agent, or say why not."""
        now = self._clock()
        reply = self._run("take", contact_id, agent_id, repr(now))
        status = TakeStatus(_text(reply[0]))
        entry = _entry(_row(reply[1]), now) if len(reply) > 1 else None
        return TakeResult(status, entry)

    def return_offered(self, contact_id: str, agent_id: str | None = None) -> bool:
        """Put an offered contact back in its place (same score, same arrival)."""
        return bool(self._run("return_offered", contact_id, agent_id or "", repr(self._clock())))

    def stale_offers(self, older_than: float) -> list[QueueEntry]:
        """Entries offered more than ``older_than`` seconds ago and still unanswered."""
        now = self._clock()
        ids = self._client.zrangebyscore(self.key(OFFERED_KEY), "-inf", now - older_than)
        entries = [self.entry(_text(contact_id)) for contact_id in ids]
        return [e for e in entries if e is not None and e.state is EntryState.OFFERED]

    def answer(self, contact_id: str, agent_id: str) -> Answered | None:
        """Record that the agent answered the contact offered to them."""
        threshold = self.service_level_seconds
        reply = self._run("answer", contact_id, agent_id, repr(self._clock()), repr(threshold))
        if reply is None:
            return None
        speed = float(_text(reply[0]))
        return Answered(_entry(_row(reply[1]), self._clock()), speed, speed <= threshold)
