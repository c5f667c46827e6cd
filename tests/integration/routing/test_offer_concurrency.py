"""Push offers under concurrency, against real Redis: one agent per contact, one offer per agent."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import EntryState, RemovalReason, TakeStatus
from tests.integration.routing.conftest import START
from tests.support import TEST_REDIS_URL

PREFIX = "test:"


def available(store: RedisQueueStore, agents: list[str]) -> None:
    for agent in agents:
        store.set_presence(agent, Presence.AVAILABLE, ["support"])


def all_at_once(count: int, work):  # type: ignore[no-untyped-def]
    """Run ``work(n)`` for n in range(count) on as many threads, released together."""
    barrier = threading.Barrier(count)

    def run(n: int):  # type: ignore[no-untyped-def]
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_one_contact_offered_to_many_agents_at_once_goes_to_exactly_one(
    store: RedisQueueStore,
) -> None:
    agents = [f"agent-{n}" for n in range(16)]
    available(store, agents)
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    statuses = Counter(r.status for r in all_at_once(16, lambda n: store.offer("ca1", agents[n])))

    assert statuses == Counter({TakeStatus.OFFERED: 1, TakeStatus.TAKEN: 15})


def test_many_contacts_offered_to_one_agent_at_once_give_them_exactly_one(
    store: RedisQueueStore,
) -> None:
    available(store, ["ann"])
    for n in range(16):
        store.enqueue(f"ca{n}", "support", score=1.0, arrival=START + n)

    results = all_at_once(16, lambda n: store.offer(f"ca{n}", "ann"))

    statuses = Counter(r.status for r in results)
    assert statuses == Counter({TakeStatus.OFFERED: 1, TakeStatus.HOLDING: 15})
    [offered] = [r.entry for r in results if r.ok]
    assert store.pending_offer("ann") == offered
    assert store.waiting_count("support") == 15


def offer_all(
    contacts: list[str], agents: list[str], seed: int, start_at: float
) -> list[tuple[str, str]]:
    """One process pushing: offer each contact to the first agent that will have it."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        store = RedisQueueStore(client, prefix=PREFIX)
        rng = random.Random(seed)
        offered = []
        for contact_id in rng.sample(contacts, len(contacts)):
            for agent_id in rng.sample(agents, len(agents)):
                result = store.offer(contact_id, agent_id)
                if result.ok:
                    offered.append((contact_id, agent_id))
                if result.status not in (TakeStatus.HOLDING, TakeStatus.UNAVAILABLE):
                    break  # offered now, or taken by another process
        return offered
    finally:
        client.close()


def offer_from_processes(pool, store: RedisQueueStore, client: redis.Redis):  # type: ignore[no-untyped-def]
    """Fill the queue afresh, then let every process of ``pool`` offer it at the same moment."""
    contacts = [f"ca{n:03d}" for n in range(120)]
    agents = [f"agent-{n}" for n in range(40)]
    client.flushdb()
    available(store, agents)
    for n, contact_id in enumerate(contacts):
        store.enqueue(contact_id, "support", score=float(n % 5), arrival=START - n)
    start_at = time.time() + 0.5
    batches = pool.starmap(offer_all, [(contacts, agents, n, start_at) for n in range(4)])

    offers = [pair for batch in batches for pair in batch]
    assert len(offers) == len(agents)  # every agent got one offer, and only one
    assert sorted(Counter(agent for _, agent in offers).values()) == [1] * len(agents)
    assert len({contact for contact, _ in offers}) == len(offers)
    assert store.waiting_count("support") == len(contacts) - len(agents)
    return batches


@pytest.mark.slow
def test_several_processes_offering_at_once_never_double_offer(
    store: RedisQueueStore, redis_client: redis.Redis
) -> None:
    context = multiprocessing.get_context("spawn")

    with context.Pool(processes=4) as pool:
        pool.map(time.sleep, [0.0] * 4)  # the spawned interpreters are up
        rounds = [offer_from_processes(pool, store, redis_client) for _ in range(5)]

    # 40 offers take a process milliseconds, so on two cores one process may now and then
    # make them all before the others are scheduled; over five rounds they do compete.
    assert any(sum(1 for batch in batches if batch) > 1 for batches in rounds)


def test_a_sweep_racing_an_accept_has_exactly_one_winner(store: RedisQueueStore) -> None:
    available(store, ["ann"])
    outcomes: Counter[str] = Counter()
    for n in range(100):
        contact_id = f"race-{n}"
        store.set_presence("ann", Presence.AVAILABLE)
        store.enqueue(contact_id, "support", score=1.0, arrival=START)
        store.offer(contact_id, "ann")

        def act(k: int, contact_id: str = contact_id) -> bool:
            if k == 0:
                return store.accept("ann", ["support"]).ok
            return store.take_back(contact_id, "ann", offered_by=START, away=Presence.AWAY)

        accepted, taken_back = all_at_once(2, act)

        assert accepted != taken_back
        entry = store.entry(contact_id)
        assert entry is not None
        assert entry.state is (EntryState.OFFERED if accepted else EntryState.WAITING)
        outcomes["accepted" if accepted else "taken back"] += 1
        store.remove(contact_id, RemovalReason.CANCELLED)

    assert sum(outcomes.values()) == 100


def test_two_sweepers_take_one_missed_offer_back_once(store: RedisQueueStore) -> None:
    available(store, ["ann"])
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")

    results = all_at_once(8, lambda n: store.take_back("ca1", "ann", START, Presence.AWAY))

    assert sorted(results) == [False] * 7 + [True]
    assert store.stats("support").returned == 1
