"""Per-queue statistics over the rolling window of hourly buckets."""

from __future__ import annotations

import pytest

from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import RemovalReason
from tests.integration.routing.conftest import START, FakeClock


def answer_after(store: RedisQueueStore, clock: FakeClock, contact_id: str, wait: float) -> None:
    """Enqueue a contact now, answer it ``wait`` seconds later."""
    store.enqueue(contact_id, "support", score=1.0, arrival=clock.now)
    clock.advance(wait)
    store.take(contact_id, "ann")
    store.answer(contact_id, "ann")


def test_service_level_counts_answers_within_20_seconds(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    for n, wait in enumerate([5, 20, 21, 60]):
        answer_after(store, clock, f"ca{n}", wait)

    stats = store.stats("support")

    assert (stats.answered, stats.answered_within) == (4, 2)
    assert stats.service_level == 0.5
    assert stats.service_level_seconds == 20.0


def test_average_speed_of_answer_is_from_arrival_to_answer(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    for n, wait in enumerate([10, 20, 60]):
        answer_after(store, clock, f"ca{n}", wait)

    stats = store.stats("support")

    assert stats.speed_of_answer_total == 90.0
    assert stats.average_speed_of_answer == 30.0


def test_abandonment_rate_is_abandoned_among_answered_and_abandoned(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    answer_after(store, clock, "ok", 5)
    for contact_id in ("gone-1", "gone-2", "moved"):
        store.enqueue(contact_id, "support", score=1.0, arrival=clock.now)
    store.remove("gone-1", RemovalReason.ABANDONED)
    store.remove("gone-2", RemovalReason.ABANDONED)
    store.remove("moved", RemovalReason.OVERFLOWED)

    stats = store.stats("support")

    assert (stats.abandoned, stats.overflowed) == (2, 1)
    assert stats.abandonment_rate == pytest.approx(2 / 3)


def test_average_handle_time_is_recorded_at_wrap_up(store: RedisQueueStore) -> None:
    store.record_handle_time("support", 200.0)
    store.record_handle_time("support", 100.0)

    stats = store.stats("support")

    assert (stats.handled, stats.average_handle_time) == (2, 150.0)


def test_longest_wait_is_from_the_oldest_waiting_arrival(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.enqueue("new-vip", "support", score=99.0, arrival=START - 10)
    store.enqueue("old", "support", score=1.0, arrival=START - 95)

    stats = store.stats("support")

    assert (stats.waiting, stats.longest_wait) == (2, 95.0)


def test_a_caller_offered_to_an_agent_still_counts_as_waiting_until_answered(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", Presence.AVAILABLE, ["support"])
    store.enqueue("old", "support", score=1.0, arrival=START - 95)
    store.enqueue("new", "support", score=1.0, arrival=START - 10)
    assert store.offer("old", "ann").ok

    offered = store.stats("support")
    store.accept("ann", ["support"])
    store.answer("old", "ann")
    answered = store.stats("support")

    assert (offered.waiting, offered.longest_wait) == (2, 95.0)
    assert (answered.waiting, answered.longest_wait) == (1, 10.0)


def test_a_caller_whose_offer_is_taken_back_is_counted_once(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    store.set_presence("ann", Presence.AVAILABLE, ["support"])
    store.enqueue("old", "support", score=1.0, arrival=START - 95)
    assert store.offer("old", "ann").ok
    clock.advance(30)

    assert store.take_back("old", "ann", START)
    stats = store.stats("support")

    assert (stats.waiting, stats.longest_wait) == (1, 125.0)


def test_an_empty_queue_has_no_rates(store: RedisQueueStore) -> None:
    stats = store.stats("quiet")

    assert (stats.waiting, stats.longest_wait, stats.answered) == (0, 0.0, 0)
    assert stats.service_level is None
    assert stats.average_speed_of_answer is None
    assert stats.average_handle_time is None
    assert stats.abandonment_rate is None


def test_counts_leave_the_window_after_their_hour_has_passed(
    store: RedisQueueStore, clock: FakeClock
) -> None:
    answer_after(store, clock, "morning", 5)
    clock.advance(3600)
    answer_after(store, clock, "noon", 30)

    last_hour = store.stats("support", hours=1)
    day = store.stats("support")
    clock.advance(24 * 3600)
    next_day = store.stats("support")

    assert (last_hour.answered, last_hour.answered_within) == (1, 0)
    assert (day.answered, day.answered_within) == (2, 1)
    assert next_day.answered == 0


def test_a_window_longer_than_a_day_is_refused(store: RedisQueueStore) -> None:
    with pytest.raises(ValueError, match="hours"):
        store.stats("support", hours=25)


def test_queue_names_are_those_seen_with_contacts_or_agents(store: RedisQueueStore) -> None:
    store.enqueue("ca1", "support", score=1.0, arrival=START)
    store.set_presence("ann", Presence.AVAILABLE, ["sales"])

    assert store.queue_names() == ["sales", "support"]
