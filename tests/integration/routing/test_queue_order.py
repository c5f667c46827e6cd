"""Enqueue, priority order, positions and listing."""

from __future__ import annotations

import pytest

from routing.redis_store import RedisQueueStore
from routing.store import EntryState, Position, QueueEntry
from tests.integration.routing.conftest import START


def test_higher_score_is_served_first_even_if_it_arrived_later(store: RedisQueueStore) -> None:
    store.enqueue("bronze", "support", score=10.0, arrival=START - 300)
    store.enqueue("gold", "support", score=40.0, arrival=START - 5)

    first = store.take_next("ann", ["support"])

    assert first is not None and first.contact_id == "gold"


def test_equal_scores_are_served_by_earlier_arrival(store: RedisQueueStore) -> None:
    for contact_id, arrival in [("late", START - 10), ("early", START - 90), ("mid", START - 50)]:
        store.enqueue(contact_id, "support", score=5.0, arrival=arrival)

    order = [store.take_next("ann", ["support"]) for _ in range(3)]

    assert [e.contact_id for e in order if e] == ["early", "mid", "late"]


def test_the_best_contact_across_the_agents_queues_is_taken(store: RedisQueueStore) -> None:
    store.enqueue("sales-1", "sales", score=20.0, arrival=START - 10)
    store.enqueue("billing-1", "billing", score=30.0, arrival=START - 5)
    store.enqueue("other-1", "other", score=99.0, arrival=START - 5)

    taken = store.take_next("ann", ["sales", "billing"])

    assert taken is not None
    assert (taken.contact_id, taken.state, taken.agent_id) == ("billing-1", "offered", "ann")
    assert taken.offered_at == START


def test_taking_from_empty_queues_gives_nothing(store: RedisQueueStore) -> None:
    assert store.take_next("ann", ["sales"]) is None
    assert store.take_next("ann", []) is None


def test_enqueue_is_idempotent_and_keeps_the_original_place(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=5.0, arrival=START - 60, payload={"tier": "gold"})

    again = store.enqueue("ca1", "support", score=1.0, arrival=START, payload={"tier": "x"})

    assert not again.created
    assert (again.entry.score, again.entry.arrival) == (5.0, START - 60)
    assert again.entry.payload == {"tier": "gold"}
    assert store.waiting_count("support") == 1
    assert store.stats("support").entered == 1


def test_enqueue_with_replace_moves_the_contact(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=5.0, arrival=START - 60)

    moved = store.enqueue("ca1", "overflow", score=7.0, arrival=START - 60, replace=True)

    assert moved.created and moved.entry.queue == "overflow"
    assert store.waiting_count("support") == 0
    assert store.waiting_count("overflow") == 1


def test_position_counts_in_priority_order_not_arrival(store: RedisQueueStore) -> None:
    store.enqueue("first-in", "support", score=1.0, arrival=START - 100)
    store.enqueue("vip", "support", score=50.0, arrival=START - 1)
    store.enqueue("middle", "support", score=20.0, arrival=START - 50)

    positions = {c: store.position(c) for c in ("vip", "middle", "first-in")}

    assert positions == {
        "vip": Position(1, 3),
        "middle": Position(2, 3),
        "first-in": Position(3, 3),
    }


def test_offered_and_unknown_contacts_have_no_position(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take_next("ann", ["support"])

    assert store.position("ca1") is None
    assert store.position("nobody") is None


def test_waiting_lists_entries_in_priority_order_with_payloads_by_page(
    store: RedisQueueStore,
) -> None:
    for n in range(7):
        store.enqueue(f"c{n}", "support", score=float(n), arrival=START, payload={"n": n})

    first = store.waiting("support", limit=3)
    second = store.waiting("support", offset=3, limit=3)

    assert [e.contact_id for e in first] == ["c6", "c5", "c4"]
    assert [e.payload["n"] for e in second] == [3, 2, 1]
    assert all(e.state is EntryState.WAITING for e in first + second)
    assert store.waiting("support", limit=0) == []


def test_rebuild_re_enqueues_the_record_and_skips_live_contacts(store: RedisQueueStore) -> None:
    store.enqueue("live", "support", score=9.0, arrival=START - 10)
    record = [
        QueueEntry("live", "support", 1.0, START - 99),
        QueueEntry("lost-1", "support", 5.0, START - 30, {"kind": "callback"}),
        QueueEntry("lost-2", "sales", 3.0, START - 20, state=EntryState.OFFERED, agent_id="x"),
    ]

    added = store.rebuild(record)

    assert added == 2
    assert [e.contact_id for e in store.waiting("support")] == ["live", "lost-1"]
    rebuilt = store.entry("lost-2")
    assert rebuilt is not None and rebuilt.state is EntryState.WAITING
    assert rebuilt.agent_id is None


def test_an_arrival_that_is_not_an_epoch_time_is_refused(store: RedisQueueStore) -> None:
    with pytest.raises(ValueError, match="epoch"):
        store.enqueue("ca1", "support", score=1.0, arrival=-5.0)


def test_equal_scores_keep_arrival_order_to_the_microsecond(store: RedisQueueStore) -> None:
    store.enqueue("second", "support", score=2.5, arrival=START + 0.000002)
    store.enqueue("first", "support", score=2.5, arrival=START + 0.000001)

    assert [e.contact_id for e in store.waiting("support")] == ["first", "second"]


def test_equal_scores_and_arrivals_are_served_by_contact_id_as_the_policy_orders(
    store: RedisQueueStore,
) -> None:
    for contact_id in ("cb", "ca", "cc"):
        store.enqueue(contact_id, "support", score=3.0, arrival=START)

    assert [e.contact_id for e in store.waiting("support")] == ["ca", "cb", "cc"]


def test_an_offered_contact_is_not_replaced_by_a_re_enqueue(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take("ca1", "ann")

    again = store.enqueue("ca1", "overflow", score=9.0, arrival=START, replace=True)

    assert not again.created
    assert (again.entry.state, again.entry.agent_id) == (EntryState.OFFERED, "ann")
    assert store.waiting_count("overflow") == 0


@pytest.mark.parametrize("score", [float("nan"), float("inf")])
def test_a_score_that_is_not_a_finite_number_is_refused(
    store: RedisQueueStore, score: float
) -> None:
    with pytest.raises(ValueError, match="finite"):
        store.enqueue("ca1", "support", score=score, arrival=START)
