"""The queue store on Redis: every state change is one registered Lua script.

The key layout, the scripts' sources and the decoding of their replies are in
``routing.redis_keys``; the offer lifecycle (take, return, answer) is in
``routing.redis_offers``, which this store builds on.

Statistics are counted in one hash per queue and epoch hour, which expires by itself a
day later: ``stats()`` sums the buckets of the last ``hours`` clock hours (the current,
partial hour included). A rolling window without a reset job, at the price of a one-hour
granularity.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from routing.model import Presence
from routing.redis_keys import (
    AGENT_KEY,
    AGENT_STATE_KEY,
    ARRIVALS_KEY,
    COUNTS,
    QUEUE_AGENTS_KEY,
    QUEUE_OFFERED_KEY,
    QUEUES_KEY,
    STATS_KEY,
    STATS_SECONDS,
    STATS_WINDOW_HOURS,
    TOTALS,
    WAITING_KEY,
    _entry,
    _fields,
    _presence,
    _row,
    _text,
    order_member,
)
from routing.redis_offers import RedisOffers
from routing.store import (
    AgentPresence,
    Enqueued,
    Position,
    QueueEntry,
    QueueStats,
    Removal,
    RemovalReason,
    Reservation,
)


class RedisQueueStore(RedisOffers):
    """The ``QueueStore`` on one Redis; safe to share between threads and processes."""

    # --- contacts ----------------------------------------------------------------------

    def enqueue(
        self,
        contact_id: str,
        queue: str,
        *,
        score: float,
        arrival: float,
        payload: Mapping[str, Any] | None = None,
        reservation: Reservation | None = None,
        replace: bool = False,
        staffed: bool = False,
        free_for: Sequence[str] | None = None,
    ) -> Enqueued:
        """Put a contact in a queue; a live contact keeps its place unless ``replace``.

        ``staffed`` and ``free_for`` as in ``QueueStore.enqueue``: both in the one round trip.
        """
        now = self._clock()
        if reservation is not None and reservation.until <= now:
            reservation = None  # already over: the pool is wide open
        new = QueueEntry(
            contact_id, queue, score, arrival, dict(payload or {}), reservation=reservation
        )
        args = self._enqueue_args(new, replace, now)
        args += ["1" if staffed else "0", "0" if free_for is None else "1", *(free_for or ())]
        reply = self._run("enqueue", *args)
        status = int(reply[0])
        if status < 0:
            return Enqueued(new, False, staffed=False)
        free = tuple(_presence(_fields(row)) for row in reply[2:] if row)
        if status:
            return Enqueued(new, True, free=free)
        return Enqueued(_entry(_row(reply[1]), now), False, free=free)

    def _enqueue_args(self, new: QueueEntry, replace: bool, now: float) -> list[str]:
        if not math.isfinite(new.score):
            raise ValueError(f"score {new.score!r} of {new.contact_id!r} is not a finite number")
        held = new.reservation
        return [
            new.contact_id, new.queue, repr(float(new.score)), repr(float(new.arrival)),
            order_member(new.contact_id, new.arrival),
            json.dumps(dict(new.payload), separators=(",", ":")),
            held.agent_id if held else "", repr(held.until) if held else "",
            "1" if replace else "0", repr(now), repr(now - self.heartbeat_timeout),
        ]  # fmt: skip

    def position(self, contact_id: str) -> Position | None:
        """The place of a waiting contact in priority order; None if not waiting."""
        found = self._run("position", contact_id)
        return Position(int(found[0]), int(found[1])) if found else None

    def waiting_count(self, queue: str) -> int:
        """How many contacts wait in ``queue``."""
        return int(self._client.zcard(self.key(WAITING_KEY, queue)))

    def waiting(self, queue: str, *, offset: int = 0, limit: int = 50) -> list[QueueEntry]:
        """Waiting entries in priority order, from ``offset``, at most ``limit``."""
        if limit <= 0:
            return []
        now = self._clock()
        return [_entry(_row(row), now) for row in self._run("list_waiting", queue, offset, limit)]

    def remove(self, contact_id: str, reason: RemovalReason) -> Removal | None:
        """Take a waiting or offered contact out for ``reason``; None if not live."""
        now = self._clock()
        row = self._run("remove", contact_id, RemovalReason(reason).value, repr(now))
        return Removal(_entry(_row(row), now), RemovalReason(reason)) if row else None

    def record_handle_time(self, queue: str, seconds: float) -> None:
        """Count one handled contact and its handle time (called at wrap-up)."""
        bucket = self._bucket(queue, int(self._clock() // 3600))
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hincrby(bucket, "handled", 1)
            pipe.hincrbyfloat(bucket, "handle_time_total", seconds)
            pipe.expire(bucket, STATS_SECONDS)
            pipe.execute()

    def rebuild(self, entries: Iterable[QueueEntry]) -> int:
        """Re-enqueue entries from the record as waiting; returns how many were added."""
        now = self._clock()
        with self._client.pipeline(transaction=False) as pipe:
            for entry in entries:
                args = [*self._enqueue_args(entry, False, now), "0", "0"]
                self._run("enqueue", *args, client=pipe)
            return sum(int(reply[0]) for reply in pipe.execute())

    # --- agents ------------------------------------------------------------------------

    def set_presence(
        self, agent_id: str, state: Presence, queues: Sequence[str] | None = None
    ) -> AgentPresence:
        """Set an agent's state (and the queues served); counts as a heartbeat."""
        served = json.dumps(list(queues)) if queues is not None else ""
        state = Presence(state)
        flat = self._run("presence", agent_id, state.value, repr(self._clock()), served)
        return _presence(_fields(flat))

    def heartbeat(self, agent_id: str) -> bool:
        """Keep a logged-in agent alive; False if the agent is offline (log in again)."""
        now, timeout = repr(self._clock()), repr(self.heartbeat_timeout)
        return bool(self._run("heartbeat", agent_id, now, timeout))

    def presence(self, agent_id: str) -> AgentPresence | None:
        """One agent's presence."""
        self.expire_agents()
        fields = _fields(self._client.hgetall(self.key(AGENT_KEY, agent_id)))
        return _presence(fields) if fields else None

    def agents(self, state: Presence | None = None) -> list[AgentPresence]:
        """Known agents, optionally only those in ``state``, by id."""
        self.expire_agents()
        states = [state] if state is not None else list(Presence)
        ids = self._client.sunion([self.key(AGENT_STATE_KEY, s.value) for s in states])
        return self._load_agents(sorted(_text(i) for i in ids))

    def logged_in_agents(self, queues: Sequence[str]) -> list[AgentPresence]:
        """Logged-in agents serving any of ``queues``: available longest-idle first."""
        if not queues:
            return []
        self.expire_agents()
        ids = self._client.sunion([self.key(QUEUE_AGENTS_KEY, q) for q in queues])
        found = self._load_agents([_text(i) for i in ids])
        return sorted(found, key=lambda a: (a.idle_since is None, a.idle_since or a.since))

    def free_agents(self, queues: Sequence[str], also: Sequence[str] = ()) -> list[AgentPresence]:
        """Agents of ``queues`` who may be offered a contact now (available, alive, no offer
        pending), then the agents in ``also`` if logged in: one round trip for each offer."""
        now, timeout = repr(self._clock()), repr(self.heartbeat_timeout)
        rows = self._run("free_agents", now, timeout, len(queues), *queues, *also)
        return [_presence(_fields(row)) for row in rows if row]

    def agents_at_work(self, queue: str) -> int:
        """How many agents serving ``queue`` are available, busy or wrapping up (and alive)."""
        now, timeout = repr(self._clock()), repr(self.heartbeat_timeout)
        return int(self._run("agents_at_work", queue, now, timeout))

    def _load_agents(self, ids: Sequence[str]) -> list[AgentPresence]:
        with self._client.pipeline(transaction=False) as pipe:
            for agent_id in ids:
                pipe.hgetall(self.key(AGENT_KEY, agent_id))
            rows = pipe.execute()
        return [_presence(_fields(row)) for row in rows if row]

    def expire_agents(self) -> list[str]:
        """Set agents whose heartbeat stopped offline; returns their ids."""
        now, timeout = repr(self._clock()), repr(self.heartbeat_timeout)
        return [_text(agent_id) for agent_id in self._run("expire_agents", now, timeout)]

    # --- statistics --------------------------------------------------------------------

    def queue_names(self) -> list[str]:
        """Queues the store has seen contacts or agents for."""
        return sorted(_text(name) for name in self._client.smembers(self.key(QUEUES_KEY)))

    def _bucket(self, queue: str, hour: int) -> str:
        return self.key(STATS_KEY, queue, str(hour))

    def stats(self, queue: str, hours: int = STATS_WINDOW_HOURS) -> QueueStats:
        """The queue's live figures and its counters over the last ``hours`` (up to 24)."""
        if not 1 <= hours <= STATS_WINDOW_HOURS:
            raise ValueError(f"hours must be 1..{STATS_WINDOW_HOURS}, not {hours}")
        self.expire_agents()
        now = self._clock()
        hour = int(now // 3600)
        with self._client.pipeline(transaction=True) as pipe:
            # Callers offered to an agent who has not answered yet still wait.
            for index in (WAITING_KEY, QUEUE_OFFERED_KEY):
                pipe.zcard(self.key(index, queue))
            for index in (ARRIVALS_KEY, QUEUE_OFFERED_KEY):
                pipe.zrange(self.key(index, queue), 0, 0, withscores=True)
            for h in range(hour - hours + 1, hour + 1):
                pipe.hgetall(self._bucket(queue, h))
            in_line, offered, first_in_line, first_offered, *buckets = pipe.execute()
        waiting = int(in_line) + int(offered)
        oldest = [float(first[0][1]) for first in (first_in_line, first_offered) if first]
        sums = dict.fromkeys(COUNTS + TOTALS, 0.0)
        for bucket in buckets:
            for name, value in _fields(bucket).items():
                if name in sums:
                    sums[name] += float(value)
        counters: dict[str, Any] = {k: round(v) if k in COUNTS else v for k, v in sums.items()}
        return QueueStats(
            queue=queue,
            waiting=waiting,
            longest_wait=max(0.0, now - min(oldest)) if oldest else 0.0,
            window_hours=hours,
            service_level_seconds=self.service_level_seconds,
            agents=self._agent_counts(queue),
            **counters,
        )

    def _agent_counts(self, queue: str) -> dict[str, int]:
        ids = [_text(i) for i in self._client.smembers(self.key(QUEUE_AGENTS_KEY, queue))]
        return dict(Counter(agent.state.value for agent in self._load_agents(ids)))
