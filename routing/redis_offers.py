"""The queue store's offer lifecycle on Redis: offer, accept, decline, take back, answer.

``RedisQueueStore`` (``routing.redis_store``) is built on these classes; this module holds
what happens to a contact between waiting and answered, so each module stays readable.
Push (``offer``: routing chose the agent) and pull (``accept`` with nothing pending, or
``take``/``take_next``) meet in the same Lua scripts, so they never hand out one contact
twice; ``offer`` and ``accept`` also keep an agent to one offer at a time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from redis.commands.core import Script

from routing.model import Presence
from routing.redis_keys import (
    AGENT_KEY,
    CONTACT_KEY,
    OFFERED_KEY,
    SCRIPTS,
    _entry,
    _fields,
    _row,
    _text,
    lua_source,
)
from routing.store import Answered, QueueEntry, TakeResult, TakeStatus


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

    def now(self) -> float:
        """The store's clock (epoch seconds): offers, idle times and waits are measured on it."""
        return self._clock()

    def entry(self, contact_id: str) -> QueueEntry | None:
        """The contact's entry (live, or a tombstone for an hour after it left)."""
        fields = _fields(self._client.hgetall(self.key(CONTACT_KEY, contact_id)))
        return _entry(fields, self._clock()) if fields else None

    def known(self, contact_ids: Sequence[str]) -> set[str]:
        """Those of ``contact_ids`` the store holds (live, or gone less than an hour ago)."""
        with self._client.pipeline(transaction=False) as pipe:
            for contact_id in contact_ids:
                pipe.exists(self.key(CONTACT_KEY, contact_id))
            found = pipe.execute()
        return {contact_id for contact_id, hit in zip(contact_ids, found, strict=True) if hit}


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
        return _result(self._run("take", contact_id, agent_id, repr(now)), now)

    def offer(self, contact_id: str, agent_id: str, trace: Sequence[str] = ()) -> TakeResult:
        """Offer a waiting contact to an available agent with no offer pending, or say why not."""
        now = self._clock()
        reply = self._run("offer", contact_id, agent_id, repr(now), _json(trace))
        return _result(reply, now)

    def accept(
        self,
        agent_id: str,
        queues: Sequence[str],
        contact_id: str | None = None,
        trace: Sequence[str] = (),
    ) -> TakeResult:
        """The agent accepts: their pending offer, else ``contact_id``, else the best waiting.

        ``trace`` is kept with a contact taken now (none was pending); the agent is busy.
        """
        now = self._clock()
        args = [agent_id, repr(now), contact_id or "", _json(trace), *queues]
        return _result(self._run("accept", *args), now)

    def pending_offer(self, agent_id: str) -> QueueEntry | None:
        """The contact offered to the agent and not accepted yet, if any."""
        contact_id = self._client.hget(self.key(AGENT_KEY, agent_id), "offer")
        entry = self.entry(_text(contact_id)) if contact_id is not None else None
        return entry if entry is not None and entry.pending and entry.agent_id == agent_id else None

    def decline(self, contact_id: str, agent_id: str) -> bool:
        """The agent declines their pending offer: back in its place, never offered them again."""
        return bool(self._run("decline", contact_id, agent_id, repr(self._clock())))

    def take_back(
        self, contact_id: str, agent_id: str, offered_by: float, away: Presence | None = None
    ) -> bool:
        """Return a pending offer made at or before ``offered_by``; set an available agent ``away``.

        Only the first caller succeeds, so two sweepers never take one offer back twice.
        """
        state = Presence(away).value if away is not None else ""
        now = repr(self._clock())
        return bool(self._run("take_back", contact_id, agent_id, now, repr(offered_by), state))

    def return_offered(self, contact_id: str, agent_id: str | None = None) -> bool:
        """Put an offered contact back in its place (same score, same arrival)."""
        return bool(self._run("return_offered", contact_id, agent_id or "", repr(self._clock())))

    def stale_offers(self, older_than: float) -> list[QueueEntry]:
        """Pending offers (not accepted) made more than ``older_than`` seconds ago."""
        now = self._clock()
        ids = self._client.zrangebyscore(self.key(OFFERED_KEY), "-inf", now - older_than)
        entries = [self.entry(_text(contact_id)) for contact_id in ids]
        return [e for e in entries if e is not None and e.pending]

    def release_text(self, agent_id: str) -> int:
        """The agent closed an SMS conversation they held; the texts they still hold."""
        return int(self._run("release_text", agent_id))

    def answer(self, contact_id: str, agent_id: str) -> Answered | None:
        """Record that the agent answered the contact offered to them."""
        threshold = self.service_level_seconds
        reply = self._run("answer", contact_id, agent_id, repr(self._clock()), repr(threshold))
        if reply is None:
            return None
        speed = float(_text(reply[0]))
        return Answered(_entry(_row(reply[1]), self._clock()), speed, speed <= threshold)


def _result(reply: Any, now: float) -> TakeResult:
    status = TakeStatus(_text(reply[0]))
    return TakeResult(status, _entry(_row(reply[1]), now) if len(reply) > 1 else None)


def _json(lines: Sequence[str]) -> str:
    return json.dumps(list(lines), separators=(",", ":")) if lines else ""
