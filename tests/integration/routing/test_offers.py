"""Offers to agents: sticky reservations, specific takes, returns, answers and removals."""

from __future__ import annotations

from routing import TEXT_CAPACITY
from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import EntryState, Position, RemovalReason, Reservation, TakeStatus
from tests.integration.routing.conftest import START, FakeClock


def test_a_sticky_contact_is_skipped_by_other_agents_until_the_reservation_ends(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    hold = Reservation("ann", until=START + 30)
    store.enqueue("sticky", "support", score=90.0, arrival=START - 5, reservation=hold)
    store.enqueue("plain", "support", score=10.0, arrival=START - 5)

    bob_first = store.take_next("bob", ["support"])
    bob_second = store.take_next("bob", ["support"])
    clock.advance(30)
    bob_after_expiry = store.take_next("bob", ["support"])

    assert bob_first is not None and bob_first.contact_id == "plain"
    assert bob_second is None
    assert bob_after_expiry is not None and bob_after_expiry.contact_id == "sticky"


def test_the_reserved_agent_takes_its_sticky_contact_at_once(store: RedisQueueStore) -> None:
    hold = Reservation("ann", until=START + 30)
    store.enqueue("sticky", "support", score=10.0, arrival=START - 5, reservation=hold)

    taken = store.take_next("ann", ["support"])

    assert taken is not None and taken.contact_id == "sticky"


def test_many_reserved_contacts_ahead_are_skipped_in_one_take(store: RedisQueueStore) -> None:
    for n in range(100):
        hold = Reservation(f"agent-{n}", until=START + 60)
        store.enqueue(f"held-{n}", "support", score=100.0 + n, arrival=START, reservation=hold)
    store.enqueue("free", "support", score=1.0, arrival=START)

    taken = store.take_next("bob", ["support"])

    assert taken is not None and taken.contact_id == "free"


def test_a_reservation_is_shown_until_it_ends(store: RedisQueueStore, clock: FakeClock) -> None:
    hold = Reservation("ann", until=START + 30)
    store.enqueue("sticky", "support", score=1.0, arrival=START, reservation=hold)

    before = store.waiting("support")[0].reservation
    clock.advance(31)
    after = store.waiting("support")[0].reservation

    assert before == hold
    assert after is None


def test_taking_a_specific_contact_twice_says_already_taken(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    first = store.take("ca1", "ann")
    second = store.take("ca1", "bob")

    assert first.ok and first.entry is not None and first.entry.agent_id == "ann"
    assert second.status is TakeStatus.TAKEN and second.entry is None


def test_taking_a_contact_reserved_for_another_agent_is_refused(store: RedisQueueStore) -> None:
    hold = Reservation("ann", until=START + 30)
    store.enqueue("ca1", "support", score=1.0, arrival=START, reservation=hold)

    assert store.take("ca1", "bob").status is TakeStatus.RESERVED
    assert store.take("ca1", "ann").ok


def test_taking_a_contact_that_hung_up_or_never_existed_says_so(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.remove("ca1", RemovalReason.ABANDONED)

    assert store.take("ca1", "ann").status is TakeStatus.GONE
    assert store.take("nobody", "ann").status is TakeStatus.NOT_FOUND


def test_a_returned_offer_goes_back_to_the_front_of_its_place(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.enqueue("ca1", "support", score=5.0, arrival=START - 60)
    store.enqueue("ca2", "support", score=5.0, arrival=START - 30)
    offered = store.take_next("ann", ["support"])
    clock.advance(20)
    store.enqueue("ca3", "support", score=5.0, arrival=clock.now)

    returned = store.return_offered("ca1", "ann")

    assert offered is not None and offered.contact_id == "ca1"
    assert returned
    assert store.position("ca1") == Position(1, 3)
    entry = store.entry("ca1")
    assert entry is not None
    assert (entry.score, entry.arrival, entry.agent_id) == (5.0, START - 60, None)
    assert store.stats("support").returned == 1


def test_only_the_agent_holding_an_offer_can_return_it(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take("ca1", "ann")

    assert not store.return_offered("ca1", "bob")
    assert not store.return_offered("nobody")
    assert store.return_offered("ca1")


def test_stale_offers_are_the_unanswered_ones_older_than_the_limit(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    for contact_id in ("old", "answered", "fresh"):
        store.enqueue(contact_id, "support", score=1.0, arrival=START)
    store.take("old", "ann")
    store.take("answered", "bob")
    store.answer("answered", "bob")
    clock.advance(25)
    store.take("fresh", "cy")

    stale = store.stale_offers(older_than=20)

    assert [e.contact_id for e in stale] == ["old"]


def test_answering_records_speed_of_answer_and_leaves_the_store(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take("ca1", "ann")
    clock.advance(12)

    answered = store.answer("ca1", "ann")

    assert answered is not None
    assert (answered.speed_of_answer, answered.within_threshold) == (12.0, True)
    assert store.take_next("bob", ["support"]) is None
    assert store.take("ca1", "bob").status is TakeStatus.TAKEN


def test_only_the_offered_agent_can_answer(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take("ca1", "ann")

    assert store.answer("ca1", "bob") is None
    assert store.answer("ca1", "ann") is not None
    assert store.answer("ca1", "ann") is None


def test_removing_on_hang_up_counts_an_abandonment(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    removal = store.remove("ca1", RemovalReason.ABANDONED)
    again = store.remove("ca1", RemovalReason.ABANDONED)

    assert removal is not None and removal.entry.state is EntryState.WAITING
    assert again is None
    assert store.waiting_count("support") == 0
    stats = store.stats("support")
    assert (stats.abandoned, stats.overflowed) == (1, 0)
    gone = store.entry("ca1")
    assert gone is not None and gone.state is EntryState.ABANDONED


def test_leaving_for_overflow_is_counted_apart_from_abandonment(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)

    store.remove("ca1", RemovalReason.OVERFLOWED)
    store.enqueue("ca1", "overflow", score=1.0, arrival=START)

    support = store.stats("support")
    assert (support.abandoned, support.overflowed) == (0, 1)
    assert store.waiting_count("overflow") == 1


def test_a_hang_up_while_offered_removes_the_offer(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.take("ca1", "ann")

    removal = store.remove("ca1", RemovalReason.ABANDONED)

    assert removal is not None
    assert (removal.entry.state, removal.entry.agent_id) == (EntryState.OFFERED, "ann")
    assert store.answer("ca1", "ann") is None
    assert store.stale_offers(older_than=0) == []


def test_an_agent_holding_all_the_texts_they_may_is_offered_no_other_text(
    store: RedisQueueStore,
) -> None:
    store.set_presence("ann", Presence.AVAILABLE, ["sms"])
    for n in range(TEXT_CAPACITY):
        store.enqueue(f"sms:{n}", "sms", score=1.0, arrival=START + n)
        assert store.accept("ann", ["sms"], f"sms:{n}").status is TakeStatus.ACCEPTED
    store.enqueue("sms:99", "sms", score=1.0, arrival=START + 10)

    # Routing read ann's texts before she took her last one: the store still refuses.
    offered = store.offer("sms:99", "ann")
    pulled = store.accept("ann", ["sms"])
    taken = store.take("sms:99", "ann")

    assert (offered.status, pulled.status, taken.status) == (TakeStatus.FULL,) * 3
    assert store.entry("sms:99").state is EntryState.WAITING
    presence = store.presence("ann")
    assert presence.texts == TEXT_CAPACITY and presence.state is Presence.AVAILABLE


def test_a_call_is_still_offered_to_an_agent_holding_all_their_texts(
    store: RedisQueueStore,
) -> None:
    store.set_presence("ann", Presence.AVAILABLE, ["sms", "support"])
    for n in range(TEXT_CAPACITY):
        store.enqueue(f"sms:{n}", "sms", score=1.0, arrival=START + n)
        store.accept("ann", ["sms"], f"sms:{n}")
    store.enqueue("CA1", "support", score=1.0, arrival=START)

    assert store.offer("CA1", "ann").status is TakeStatus.OFFERED
