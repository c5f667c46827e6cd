"""Client processes for benchmarks/routing.py: one Redis client each, one operation per trip.

Every client process runs the same loop for the store and for raw Redis: it waits for a
shared start time (``time.monotonic`` is one clock for all processes on Linux), performs
its share of operations one round trip at a time, as a web request would, and reports
when it finished. Functions are module-level so that ``spawn`` can pickle them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import redis

from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import QueueEntry

STORE_PREFIX = "bench:"
RAW_PREFIX = "bench:raw:"
TIERS = ("bronze", "silver", "gold", "platinum")

_client: redis.Redis | None = None
_store: RedisQueueStore | None = None


@dataclass(frozen=True)
class Task:
    """One client's share of a phase."""

    kind: str  # "enqueue" or "assign"
    target: str  # "store" or "raw"
    client: int
    operations: int
    tag: str  # makes contact ids unique across phases and rounds
    queues: tuple[str, ...]
    agents: int
    start_at: float


@dataclass(frozen=True)
class Done:
    """What one client did: operations, misses (an assign that found nothing), end time."""

    operations: int
    misses: int
    ended_at: float


def queue_name(n: int) -> str:
    return f"queue-{n}"


def agent_queues(agent: int, queues: tuple[str, ...]) -> list[str]:
    """The queues agent ``agent`` serves: two neighbours, so queues overlap."""
    return [queues[agent % len(queues)], queues[(agent + 1) % len(queues)]]


def payload(rng: random.Random, n: int) -> dict[str, Any]:
    """A payload of the size the app stores with a call."""
    return {
        "customer_id": rng.randrange(100_000),
        "tier": rng.choice(TIERS),
        "kind": "call",
        "language": "en",
        "trace": [f"tier +{rng.randrange(40)}", f"waited {n % 90} s +{n % 9}"],
    }


def init_client(url: str) -> None:
    """Pool initializer: this process's own client and store."""
    global _client, _store
    _client = redis.Redis.from_url(url)
    _store = RedisQueueStore(_client, prefix=STORE_PREFIX)


def run(task: Task) -> Done:
    """Run one client's share of a phase, starting at the shared start time."""
    assert _client is not None and _store is not None, "init_client was not called"
    rng = random.Random(f"{task.tag}-{task.client}")
    step = _STEPS[(task.kind, task.target)]
    time.sleep(max(0.0, task.start_at - time.monotonic()))
    misses = 0
    for n in range(task.operations):
        misses += 0 if step(task, rng, n) else 1
    return Done(task.operations, misses, time.monotonic())


def _store_enqueue(task: Task, rng: random.Random, n: int) -> bool:
    assert _store is not None
    contact_id = f"{task.tag}-{task.client}-{n}"
    queue = task.queues[n % len(task.queues)]
    score = rng.uniform(0, 100) - 0.01 * time.time()
    _store.enqueue(contact_id, queue, score=score, arrival=time.time(), payload=payload(rng, n))
    return True


def _raw_enqueue(task: Task, rng: random.Random, n: int) -> bool:
    assert _client is not None
    contact_id = f"{task.tag}-{task.client}-{n}"
    key = RAW_PREFIX + task.queues[n % len(task.queues)]
    _client.zadd(key, {contact_id: rng.uniform(0, 100) - 0.01 * time.time()})
    return True


def _store_assign(task: Task, rng: random.Random, n: int) -> bool:
    assert _store is not None
    agent = rng.randrange(task.agents)
    return _store.take_next(f"agent-{agent}", agent_queues(agent, task.queues)) is not None


def _raw_assign(task: Task, rng: random.Random, n: int) -> bool:
    assert _client is not None
    agent = rng.randrange(task.agents)
    return bool(_client.zpopmax(RAW_PREFIX + agent_queues(agent, task.queues)[0]))


_STEPS = {
    ("enqueue", "store"): _store_enqueue,
    ("enqueue", "raw"): _raw_enqueue,
    ("assign", "store"): _store_assign,
    ("assign", "raw"): _raw_assign,
}


def preload(client: redis.Redis, waiting: int, agents: int, queues: tuple[str, ...]) -> None:
    """``waiting`` calls in the store and in the raw sets, ``agents`` agents logged in."""
    store = RedisQueueStore(client, prefix=STORE_PREFIX)
    rng = random.Random(0)
    now = time.time()
    entries = []
    raw: dict[str, dict[str, float]] = {queue: {} for queue in queues}
    for n in range(waiting):
        queue, score, arrival = queues[n % len(queues)], rng.uniform(0, 100), now - n * 0.01
        entries.append(QueueEntry(f"w-{n}", queue, score, arrival, payload(rng, n)))
        raw[queue][f"w-{n}"] = score
    if store.rebuild(entries) != waiting:
        raise RuntimeError("preload: the store did not take every waiting call")
    for queue, members in raw.items():
        client.zadd(RAW_PREFIX + queue, members)
    for agent in range(agents):
        store.set_presence(f"agent-{agent}", Presence.AVAILABLE, agent_queues(agent, queues))
