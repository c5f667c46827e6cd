"""Safety under concurrency, against real Redis: no contact offered twice, none lost."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from routing.redis_keys import OFFERED_KEY, WAITING_KEY
from routing.redis_store import RedisQueueStore
from routing.store import EntryState, RemovalReason, TakeStatus
from tests.integration.routing.conftest import START
from tests.support import TEST_REDIS_URL

CONTACTS = 1000
PREFIX = "test:"


def fill(store: RedisQueueStore, queues: tuple[str, ...] = ("support",)) -> list[str]:
    """Enqueue CONTACTS contacts spread over ``queues``, with many equal scores."""
    ids = [f"ca{n:04d}" for n in range(CONTACTS)]
    for n, contact_id in enumerate(ids):
        queue = queues[n % len(queues)]
        store.enqueue(contact_id, queue, score=float(n % 7), arrival=START - n)
    return ids


def drain(agent_id: str, queues: list[str], start_at: float = 0.0) -> list[str]:
    """Take contacts for one agent until none is left; runs in a thread or a process.

    ``start_at`` (epoch seconds) lines processes up, so slow starters still compete.
    """
    client = redis.Redis.from_url(TEST_REDIS_URL)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        store = RedisQueueStore(client, prefix=PREFIX)
        taken = []
        while (entry := store.take_next(agent_id, queues)) is not None:
            assert entry.agent_id == agent_id
            taken.append(entry.contact_id)
        return taken
    finally:
        client.close()


def test_many_threads_taking_at_once_get_every_contact_exactly_once(
    store: RedisQueueStore, redis_client: redis.Redis
) -> None:
    ids = fill(store, ("support", "sales"))
    agents = [f"agent-{n}" for n in range(16)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        batches = list(pool.map(drain, agents, [["support", "sales"]] * len(agents)))

    taken = [contact_id for batch in batches for contact_id in batch]
    assert sorted(taken) == ids
    assert store.waiting_count("support") + store.waiting_count("sales") == 0
    assert redis_client.zcard(PREFIX + OFFERED_KEY) == CONTACTS


@pytest.mark.slow
def test_several_processes_taking_at_once_get_every_contact_exactly_once(
    store: RedisQueueStore,
) -> None:
    ids = fill(store)
    context = multiprocessing.get_context("spawn")

    start_at = time.time() + 5  # spawned interpreters take a moment to come up
    with context.Pool(processes=4) as pool:
        batches = pool.starmap(drain, [(f"agent-{n}", ["support"], start_at) for n in range(4)])

    taken = [contact_id for batch in batches for contact_id in batch]
    assert sorted(taken) == ids
    assert sum(1 for batch in batches if batch) > 1  # the processes really competed


def test_many_agents_accepting_one_contact_give_it_to_exactly_one(
    store: RedisQueueStore,
) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    barrier = threading.Barrier(16)

    def accept(agent_id: str) -> TakeStatus:
        barrier.wait()
        return store.take("ca1", agent_id).status

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = Counter(pool.map(accept, [f"agent-{n}" for n in range(16)]))

    assert statuses == Counter({TakeStatus.OFFERED: 1, TakeStatus.TAKEN: 15})


def test_a_hang_up_racing_an_accept_has_exactly_one_winner(store: RedisQueueStore) -> None:
    outcomes: Counter[str] = Counter()
    barrier = threading.Barrier(2)

    def accept(contact_id: str) -> TakeStatus:
        barrier.wait()
        return store.take(contact_id, "ann").status

    def hang_up(contact_id: str) -> EntryState | None:
        barrier.wait()
        removal = store.remove(contact_id, RemovalReason.ABANDONED)
        return removal.entry.state if removal else None

    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(200):
            contact_id = f"race-{n}"
            store.enqueue(contact_id, "support", score=1.0, arrival=START)
            took = pool.submit(accept, contact_id)
            left = pool.submit(hang_up, contact_id)
            status, was = took.result(), left.result()

            # Either the accept won (the hang-up then ends an offer) or the hang-up won.
            assert (status, was) in {
                (TakeStatus.OFFERED, EntryState.OFFERED),
                (TakeStatus.GONE, EntryState.WAITING),
            }
            outcomes[status.value] += 1

    assert store.stats("support").abandoned == 200
    assert store.stale_offers(older_than=-3600) == []
    assert sum(outcomes.values()) == 200


def test_mixed_concurrent_operations_lose_no_contact(
    store: RedisQueueStore, redis_client: redis.Redis
) -> None:
    ids = fill(store)

    def agent(n: int) -> None:
        rng = random.Random(n)
        for _ in range(80):
            entry = store.take_next(f"agent-{n}", ["support"])
            if entry is None:
                return
            action = rng.choice(["answer", "return", *RemovalReason])
            if action == "answer":
                store.answer(entry.contact_id, f"agent-{n}")
            elif action == "return":
                store.return_offered(entry.contact_id, f"agent-{n}")
            else:
                store.remove(entry.contact_id, RemovalReason(action))

    def caller(n: int) -> None:
        rng = random.Random(1000 + n)
        for contact_id in rng.sample(ids, 60):
            store.remove(contact_id, RemovalReason.ABANDONED)

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(agent, n) for n in range(8)]
        futures += [pool.submit(caller, n) for n in range(4)]
        for future in futures:
            future.result()

    places: Counter[str] = Counter()
    for contact_id in ids:
        entry = store.entry(contact_id)
        assert entry is not None
        places[entry.state.value] += 1
    waiting = redis_client.zcard(PREFIX + WAITING_KEY % "support")
    offered = redis_client.zcard(PREFIX + OFFERED_KEY)
    assert places[EntryState.WAITING] == waiting
    assert places[EntryState.OFFERED] == offered
    assert sum(places.values()) == CONTACTS
    stats = store.stats("support")
    assert places[EntryState.ANSWERED] == stats.answered
    assert places[EntryState.ABANDONED] == stats.abandoned
    assert places[EntryState.OVERFLOWED] == stats.overflowed
    assert places[EntryState.CANCELLED] > 0 and places[EntryState.WAITING] > 0
