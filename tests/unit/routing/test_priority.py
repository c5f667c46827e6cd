"""Priority: who is served first, and the trace that says why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import (
    History,
    Priority,
    Weights,
    effective_score,
    explain,
    prioritize,
    serving_order,
    store_score,
    waiting_contact,
)
from tests.unit.routing.support import NOW, contact


def test_gold_caller_is_answered_before_earlier_bronze_caller(weights: Weights) -> None:
    bronze = waiting_contact(contact("CA-bronze", tier="bronze", arrived_at=NOW), weights)
    gold = waiting_contact(contact("CA-gold", tier="gold", arrived_at=NOW + 60), weights)

    order = serving_order([bronze, gold], weights)

    assert [entry.contact.id for entry in order] == ["CA-gold", "CA-bronze"]


def test_bronze_caller_who_waited_past_the_tier_gap_goes_before_a_new_gold_caller(
    weights: Weights,
) -> None:
    gap = (weights.tiers["gold"] - weights.tiers["bronze"]) / weights.aging_per_second
    bronze = waiting_contact(contact("CA-bronze", tier="bronze", arrived_at=NOW), weights)
    gold = waiting_contact(contact("CA-gold", tier="gold", arrived_at=NOW + gap + 1), weights)

    order = serving_order([gold, bronze], weights)

    assert [entry.contact.id for entry in order] == ["CA-bronze", "CA-gold"]


def test_equal_scores_go_to_the_earlier_arrival(weights: Weights) -> None:
    later = waiting_contact(contact("CA-a", arrived_at=NOW + 5), weights)
    earlier = waiting_contact(contact("CA-b", arrived_at=NOW), weights)

    order = serving_order([later, earlier], weights)

    assert [entry.contact.id for entry in order] == ["CA-b", "CA-a"]


def test_trace_names_tier_open_case_and_repeat_contacts(weights: Weights) -> None:
    history = History(contacts_24h=2, contacts_7d=2, open_cases=(812,))
    caller = contact(tier="gold", history=history)

    priority = prioritize(caller, weights)

    assert priority.trace == (
        "tier gold +30",
        "open case #812 +15",
        "third contact in 24 h +10",
        "third contact in 7 days +4",
    )
    assert priority.base == 59


def test_trace_shows_value_bad_outcome_and_ivr_priority(weights: Weights) -> None:
    history = History(last_outcome="callback_failed")
    caller = contact(tier="silver", lifetime_value=5200, history=history, priority_hint=3)

    priority = prioritize(caller, weights)

    assert priority.trace == (
        "tier silver +15",
        "lifetime value 5,200 +5.2",
        "last contact callback failed +15",
        "IVR priority 3 +6",
    )


def test_capped_items_say_so_and_add_no_more_than_the_cap(weights: Weights) -> None:
    history = History(contacts_24h=9, contacts_7d=20, open_cases=(1, 2, 3))
    caller = contact(tier="bronze", lifetime_value=1_000_000, history=history, priority_hint=100)

    priority = prioritize(caller, weights)

    assert priority.trace == (
        "tier bronze +0",
        "lifetime value 1,000,000 (capped) +10",
        "open cases #1, #2, #3 (capped) +30",
        "tenth contact in 24 h (capped) +15",
        "21st contact in 7 days (capped) +10",
        "IVR priority 100 +20",
    )
    assert (
        priority.base == weights.max_base - weights.tiers["platinum"] - weights.recent_bad_outcome
    )


@pytest.mark.parametrize(
    ("tier", "line"),
    [
        (None, "unknown caller +0"),
        ("diamond", "tier diamond (not weighted, as unknown caller) +0"),
    ],
)
def test_unknown_callers_and_unweighted_tiers_score_as_unknown(
    weights: Weights, tier: str | None, line: str
) -> None:
    priority = prioritize(contact(tier=tier), weights)

    assert priority.trace == (line,)
    assert priority.base == weights.unknown_caller


def test_a_good_outcome_last_time_adds_nothing(weights: Weights) -> None:
    priority = prioritize(contact(history=History(last_outcome="resolved")), weights)

    assert priority.trace == ("tier bronze +0",)


def test_explain_adds_the_aging_so_far(weights: Weights) -> None:
    priority = Priority(30.0, ("tier gold +30",))

    lines = explain(priority, 95, weights)

    assert lines == ("tier gold +30", "waited 95 s +9.5")
    assert effective_score(priority, 95, weights) == pytest.approx(39.5)


def test_store_score_orders_contacts_as_their_scores_do_at_any_later_time(
    weights: Weights,
) -> None:
    first = (Priority(0.0, ()), NOW)
    second = (Priority(20.0, ()), NOW + 150)

    by_store = store_score(*first, weights) > store_score(*second, weights)
    by_score_at = [
        effective_score(first[0], t - first[1], weights)
        > effective_score(second[0], t - second[1], weights)
        for t in (NOW + 150, NOW + 600, NOW + 86_400)
    ]

    assert by_score_at == [by_store] * 3


def test_every_contact_gains_the_same_points_per_second_whatever_its_base(
    weights: Weights,
) -> None:
    fast = replace(weights, aging_per_second=0.5)

    gains = [effective_score(Priority(b, ()), 60, fast) - b for b in (0.0, 10.0, 140.0)]

    assert gains == [pytest.approx(30)] * 3


def test_a_callback_keeps_its_place_by_the_arrival_of_its_call(weights: Weights) -> None:
    callback = replace(contact(arrived_at=NOW), id="callback:41", kind="callback")
    live = contact("CA-live", arrived_at=NOW + 30)

    order = serving_order(
        [waiting_contact(live, weights), waiting_contact(callback, weights)], weights
    )

    assert [entry.contact.id for entry in order] == ["callback:41", "CA-live"]


def test_a_callback_id_names_its_task() -> None:
    with pytest.raises(ValueError, match="callback:"):
        replace(contact(), kind="callback")
