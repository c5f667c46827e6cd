"""Push offers in the store: one pending offer per agent, accept, decline, take back."""

from __future__ import annotations

from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import EntryState, Position, RemovalReason, Reservation, TakeStatus
from tests.integration.routing.conftest import START, FakeClock


def available(store: RedisQueueStore, *agents: str) -> None:
    for agent in agents:
        store.set_presence(agent, Presence.AVAILABLE, ["support"])


def test_an_offer_is_pending_for_its_agent_with_the_reason_why(store: RedisQueueStore) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    result = store.offer("ca1", "ann", ["best of 1 eligible: Ann (idle 0 s)"])

    assert result.status is TakeStatus.OFFERED and result.entry is not None
    assert result.entry.pending
    assert result.entry.offer_trace == ("best of 1 eligible: Ann (idle 0 s)",)
    assert store.pending_offer("ann") == result.entry
    presence = store.presence("ann")
    assert presence is not None and presence.offer == "ca1"
    assert store.waiting_count("support") == 0


def test_only_an_available_agent_is_offered_a_contact(store: RedisQueueStore) -> None:
    store.set_presence("ann", Presence.AWAY, ["support"])
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    away = store.offer("ca1", "ann")
    unknown = store.offer("ca1", "nobody")

    assert (away.status, unknown.status) == (TakeStatus.UNAVAILABLE, TakeStatus.UNAVAILABLE)
    assert store.position("ca1") == Position(1, 1)


def test_an_agent_with_an_offer_pending_is_offered_nothing_else(store: RedisQueueStore) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.enqueue("ca2", "support", score=1.0, arrival=START + 1)
    store.offer("ca1", "ann")

    second = store.offer("ca2", "ann")

    assert second.status is TakeStatus.HOLDING
    assert store.position("ca2") == Position(1, 1)


def test_a_contact_offered_to_one_agent_is_not_offered_to_another(store: RedisQueueStore) -> None:
    available(store, "ann", "bob")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")

    assert store.offer("ca1", "bob").status is TakeStatus.TAKEN


def test_a_sticky_contact_is_offered_only_to_its_agent_until_the_hold_ends(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    available(store, "ann", "bob")
    store.enqueue(
        "ca1", "support", score=1.0, arrival=START, reservation=Reservation("ann", START + 30)
    )

    refused = store.offer("ca1", "bob")
    clock.advance(30)
    later = store.offer("ca1", "bob")

    assert refused.status is TakeStatus.RESERVED
    assert later.ok


def test_accepting_takes_the_pending_offer_first_and_makes_the_agent_busy(
    store: RedisQueueStore,
) -> None:
    available(store, "ann")
    store.enqueue("low", "support", score=1.0, arrival=START)
    store.offer("low", "ann")
    store.enqueue("high", "support", score=90.0, arrival=START)

    result = store.accept("ann", ["support"])

    assert result.status is TakeStatus.ACCEPTED and result.entry is not None
    assert (result.entry.contact_id, result.entry.pending) == ("low", False)
    assert result.entry.accepted_at == START
    presence = store.presence("ann")
    assert presence is not None and (presence.state, presence.offer) == (Presence.BUSY, None)
    assert store.stale_offers(older_than=-60) == []
    assert store.position("high") == Position(1, 1)


def test_accepting_with_nothing_pending_takes_the_best_waiting(store: RedisQueueStore) -> None:
    available(store, "ann", "bob")
    store.enqueue("low", "support", score=1.0, arrival=START)
    store.enqueue("high", "support", score=90.0, arrival=START)

    result = store.accept("ann", ["support"], trace=["Ann took it from the queue"])
    nothing = store.accept("bob", ["sales"])

    assert result.ok and result.entry is not None
    assert result.entry.contact_id == "high"
    assert result.entry.offer_trace == ("Ann took it from the queue",)
    assert nothing.status is TakeStatus.EMPTY


def test_accepting_another_contact_while_an_offer_is_pending_is_refused(
    store: RedisQueueStore,
) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.enqueue("ca2", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")

    other = store.accept("ann", ["support"], "ca2")
    same = store.accept("ann", ["support"], "ca1")

    assert other.status is TakeStatus.HOLDING
    assert same.ok


def test_an_agent_who_is_not_available_cannot_accept(store: RedisQueueStore) -> None:
    store.set_presence("ann", Presence.WRAP_UP, ["support"])
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    assert store.accept("ann", ["support"]).status is TakeStatus.UNAVAILABLE


def test_a_declined_offer_goes_back_to_its_place_and_remembers_who_declined(
    store: RedisQueueStore,
) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=5.0, arrival=START - 60)
    store.enqueue("ca2", "support", score=5.0, arrival=START - 30)
    store.offer("ca1", "ann", ["why"])

    declined = store.decline("ca1", "ann")
    again = store.decline("ca1", "ann")

    assert (declined, again) == (True, False)
    entry = store.entry("ca1")
    assert entry is not None
    assert (entry.state, entry.declined, entry.offer_trace) == (EntryState.WAITING, ("ann",), ())
    assert store.position("ca1") == Position(1, 2)
    presence = store.presence("ann")
    assert presence is not None and (presence.state, presence.offer) == (Presence.AVAILABLE, None)
    assert store.stats("support").returned == 1


def test_a_missed_offer_is_taken_back_once_and_its_agent_set_away(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")
    clock.advance(20)

    too_recent = store.take_back("ca1", "ann", offered_by=START - 1, away=Presence.AWAY)
    first = store.take_back("ca1", "ann", offered_by=START, away=Presence.AWAY)
    second = store.take_back("ca1", "ann", offered_by=START, away=Presence.AWAY)

    assert (too_recent, first, second) == (False, True, False)
    assert store.position("ca1") == Position(1, 1)
    presence = store.presence("ann")
    assert presence is not None and (presence.state, presence.offer) == (Presence.AWAY, None)


def test_an_accepted_offer_is_never_taken_back(store: RedisQueueStore, clock: FakeClock) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")
    store.accept("ann", ["support"])
    clock.advance(25)

    taken_back = store.take_back("ca1", "ann", offered_by=clock.now, away=Presence.AWAY)

    assert not taken_back
    presence = store.presence("ann")
    assert presence is not None and presence.state is Presence.BUSY


def test_taking_back_an_offer_leaves_an_agent_who_left_as_they_are(
    store: RedisQueueStore,
) -> None:
    available(store, "ann")
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")
    store.set_presence("ann", Presence.OFFLINE)

    assert store.take_back("ca1", "ann", offered_by=START, away=Presence.AWAY)
    presence = store.presence("ann")
    assert presence is not None and presence.state is Presence.OFFLINE


def test_a_hang_up_or_an_answer_frees_the_agent_for_the_next_offer(
    store: RedisQueueStore,
) -> None:
    available(store, "ann")
    for contact_id in ("ca1", "ca2", "ca3"):
        store.enqueue(contact_id, "support", score=1.0, arrival=START)
    store.offer("ca1", "ann")

    store.remove("ca1", RemovalReason.ABANDONED)
    after_hang_up = store.offer("ca2", "ann")
    store.answer("ca2", "ann")
    after_answer = store.offer("ca3", "ann")

    assert after_hang_up.ok and after_answer.ok
