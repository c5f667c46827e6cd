"""Agent presence: states, heartbeats and expiry, longest idle first."""

from __future__ import annotations

import redis

from routing.entries import RemovalReason
from routing.model import Presence
from routing.redis_keys import QUEUE_READY_KEY, QUEUE_WORKING_KEY
from routing.redis_store import RedisQueueStore
from tests.integration.routing.conftest import START, FakeClock

AVAILABLE, BUSY, AWAY, OFFLINE = (
    Presence.AVAILABLE,
    Presence.BUSY,
    Presence.AWAY,
    Presence.OFFLINE,
)


def test_an_agent_whose_heartbeat_stops_becomes_offline(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", AVAILABLE, ["support"])
    clock.advance(20)
    alive = store.heartbeat("ann")
    clock.advance(29)
    still = store.presence("ann")
    clock.advance(1)

    gone = store.presence("ann")

    assert alive and still is not None and still.state is AVAILABLE
    assert gone is not None and gone.state is OFFLINE
    assert (gone.since, gone.last_seen) == (START + 50, START + 20)
    assert store.logged_in_agents(["support"]) == []
    assert not store.heartbeat("ann")


def test_a_heartbeat_after_expiry_asks_the_agent_to_log_in_again(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", AVAILABLE, ["support"])
    clock.advance(45)

    alive = store.heartbeat("ann")

    presence = store.presence("ann")
    assert not alive
    assert presence is not None and presence.state is OFFLINE
    assert presence.since == START + 30


def test_a_heartbeat_from_an_unknown_agent_is_refused(store: RedisQueueStore) -> None:
    assert not store.heartbeat("nobody")
    assert store.presence("nobody") is None


def test_idle_since_is_kept_while_available_and_cleared_when_busy(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", AVAILABLE, ["support"])
    clock.advance(10)
    still_available = store.set_presence("ann", AVAILABLE)
    busy = store.set_presence("ann", BUSY)

    assert still_available.idle_since == START
    assert still_available.queues == ("support",)
    assert busy.idle_since is None and busy.since == START + 10


def test_logged_in_agents_come_available_longest_idle_first(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("busy-bea", BUSY, ["support"])
    for agent in ("ann", "bob", "cy"):
        clock.advance(5)
        store.set_presence(agent, AVAILABLE, ["support", "sales"])
    store.set_presence("dee", AVAILABLE, ["billing"])
    store.set_presence("off-ed", OFFLINE, ["support"])
    clock.advance(5)
    store.set_presence("ann", BUSY)
    store.set_presence("ann", AVAILABLE)

    agents = store.logged_in_agents(["support"])

    assert [a.agent_id for a in agents] == ["bob", "cy", "ann", "busy-bea"]


def test_changing_queues_moves_the_agent_between_queues(store: RedisQueueStore) -> None:
    store.set_presence("ann", AVAILABLE, ["support"])

    store.set_presence("ann", AVAILABLE, ["sales"])

    assert store.logged_in_agents(["support"]) == []
    assert [a.agent_id for a in store.logged_in_agents(["sales"])] == ["ann"]


def test_agents_are_listed_by_state(store: RedisQueueStore) -> None:
    store.set_presence("ann", AVAILABLE, ["support"])
    store.set_presence("bob", AWAY, ["support"])
    store.set_presence("cy", Presence.WRAP_UP, ["support"])
    store.set_presence("bob", BUSY)

    assert [a.agent_id for a in store.agents(BUSY)] == ["bob"]
    assert store.agents(AWAY) == []
    assert [a.agent_id for a in store.agents()] == ["ann", "bob", "cy"]
    assert store.stats("support").agents == {"available": 1, "busy": 1, "wrap_up": 1}


def test_agents_at_work_counts_only_working_agents_who_serve_the_queue(store):
    store.set_presence("1", Presence.AVAILABLE, ["billing"])
    store.set_presence("2", Presence.BUSY, ["billing", "sales"])
    store.set_presence("3", Presence.AWAY, ["billing"])
    store.set_presence("4", Presence.AVAILABLE, ["sales"])

    assert store.agents_at_work("billing") == 2
    assert store.agents_at_work("sales") == 2
    assert store.agents_at_work("outage") == 0


def test_free_agents_are_the_available_ones_with_no_offer_and_a_live_heartbeat(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", AVAILABLE, ["billing"])
    store.set_presence("bob", AVAILABLE, ["billing"])
    store.set_presence("cy", BUSY, ["billing"])
    store.set_presence("dee", AVAILABLE, ["sales"])
    store.set_presence("eve", AVAILABLE, ["billing"])
    store.enqueue("call-1", "billing", score=10.0, arrival=START)
    assert store.offer("call-1", "bob").ok
    clock.advance(20)
    for agent in ("ann", "bob", "cy", "dee"):
        store.heartbeat(agent)
    clock.advance(15)  # eve's heartbeat is 35 s old: past the 30 s timeout, not yet expired

    free = store.free_agents(["billing"])
    with_last_agent = store.free_agents(["billing"], also=["cy", "nobody"])

    assert [a.agent_id for a in free] == ["ann"]
    assert [(a.agent_id, a.state) for a in with_last_agent] == [("ann", AVAILABLE), ("cy", BUSY)]


def test_an_agent_whose_heartbeat_stopped_is_not_at_work_even_before_expiry(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("1", Presence.AVAILABLE, ["billing"])
    store.set_presence("2", Presence.BUSY, ["billing"])
    clock.advance(20)
    store.heartbeat("2")
    clock.advance(15)  # agent 1 silent for 35 s, past the 30 s timeout

    assert store.agents_at_work("billing") == 1


def _free(store: RedisQueueStore, queue: str = "billing") -> list[str]:
    return [agent.agent_id for agent in store.free_agents([queue])]


def test_an_agent_is_free_again_whenever_their_offer_ends_without_a_call(
    store: RedisQueueStore,
) -> None:
    store.set_presence("ann", AVAILABLE, ["billing"])
    for n in range(3):
        store.enqueue(f"call-{n}", "billing", score=10.0, arrival=START + n)

    held = [store.offer("call-0", "ann").ok, _free(store)]
    store.decline("call-0", "ann")
    after_decline = _free(store)
    store.offer("call-1", "ann")
    store.return_offered("call-1")
    after_put_back = _free(store)
    store.offer("call-2", "ann")
    store.remove("call-2", RemovalReason.ABANDONED)  # the caller hung up while offered
    after_hang_up = _free(store)

    assert held == [True, []]
    assert after_decline == after_put_back == after_hang_up == ["ann"]


def test_an_agent_who_takes_a_call_is_at_work_but_not_free_until_available_again(
    store: RedisQueueStore,
) -> None:
    store.set_presence("ann", AVAILABLE, ["billing", "sales"])
    store.enqueue("call-1", "billing", score=10.0, arrival=START)

    store.accept("ann", ["billing"])
    on_the_call = (_free(store), store.agents_at_work("sales"))
    store.set_presence("ann", Presence.WRAP_UP)
    store.set_presence("ann", AVAILABLE, ["sales"])  # and now serves sales only

    assert on_the_call == ([], 1)
    assert (_free(store), store.agents_at_work("billing")) == ([], 0)
    assert (_free(store, "sales"), store.agents_at_work("sales")) == (["ann"], 1)


def test_agents_logged_in_before_the_queue_indexes_existed_count_from_their_next_heartbeat(
    store: RedisQueueStore, redis_client: redis.Redis
) -> None:
    # An upgrade from a version without the per-queue indexes: agents are logged in, the
    # indexes are missing (or went wrong); their next heartbeat puts them right.
    store.set_presence("ann", AVAILABLE, ["billing"])
    store.set_presence("bob", BUSY, ["billing"])
    indexes = [store.key(QUEUE_READY_KEY, "billing"), store.key(QUEUE_WORKING_KEY, "billing")]
    redis_client.delete(*indexes)
    before = (_free(store), store.agents_at_work("billing"))

    store.heartbeat("ann")
    store.heartbeat("bob")

    assert before == ([], 0)
    assert (_free(store), store.agents_at_work("billing")) == (["ann"], 2)


def test_a_caller_is_put_only_in_a_queue_with_someone_at_work_if_asked(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", AVAILABLE, ["billing"])
    store.set_presence("bob", AWAY, ["sales"])

    to_sales = store.enqueue("call-1", "sales", score=1.0, arrival=START, staffed=True)
    to_billing = store.enqueue("call-1", "billing", score=1.0, arrival=START, staffed=True)
    clock.advance(31)  # ann's heartbeat is now past the 30 s timeout
    when_silent = store.enqueue("call-2", "billing", score=1.0, arrival=START, staffed=True)

    assert (to_sales.staffed, to_sales.created) == (False, False)
    assert store.waiting_count("sales") == 0
    assert (to_billing.staffed, to_billing.created) == (True, True)
    assert not when_silent.staffed and store.waiting_count("billing") == 1


def test_enqueue_says_who_may_be_offered_the_caller_in_the_same_step(
    store: RedisQueueStore,
) -> None:
    store.set_presence("ann", AVAILABLE, ["billing"])
    store.set_presence("bob", AVAILABLE, ["billing"])
    store.set_presence("cy", BUSY, ["sales"])  # the caller's last agent, in another queue
    store.enqueue("call-0", "billing", score=1.0, arrival=START)
    store.offer("call-0", "bob")

    done = store.enqueue("call-1", "billing", score=1.0, arrival=START + 1, free_for=["cy"])
    again = store.enqueue("call-1", "billing", score=9.0, arrival=START + 2, free_for=[])
    silent = store.enqueue("call-2", "billing", score=1.0, arrival=START + 3)

    assert [(a.agent_id, a.state) for a in done.free] == [("ann", AVAILABLE), ("cy", BUSY)]
    assert not again.created and [a.agent_id for a in again.free] == ["ann"]
    assert silent.free == ()
