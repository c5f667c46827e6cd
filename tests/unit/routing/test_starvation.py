"""Aging: nobody starves, and the bound on being passed by later arrivals holds."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from routing import (
    Capped,
    Contact,
    CustomerValue,
    History,
    Weights,
    default_weights,
    prioritize,
    serving_order,
    starvation_bound,
    waiting_contact,
)
from tests.unit.routing.support import NOW, contact, simulate

# Float rounding of score = base - rate * epoch seconds: far below a microsecond today.
ROUNDING = 1e-6


def test_the_shipped_weights_bound_passing_to_1400_seconds(weights: Weights) -> None:
    bound = starvation_bound(weights)

    assert (weights.max_base, weights.min_base) == (140, 0)
    assert bound == 1400


def test_bronze_caller_is_answered_within_the_aging_bound_under_a_steady_stream_of_gold_callers(
    weights: Weights,
) -> None:
    # Two agents, 120 s per call, a gold caller every 50 s: more than they can answer.
    golds = [contact(f"CA-gold-{i}", tier="gold", arrived_at=NOW + 50 * i) for i in range(400)]
    bronze = contact("CA-bronze", tier="bronze", arrived_at=NOW + 100)

    answers = simulate([*golds, bronze], agents=2, handle=120, until=NOW + 20_000, weights=weights)

    waited = answers["CA-bronze"].waited
    assert waited <= starvation_bound(weights)
    passers = [a for a in answers.values() if a.at < answers["CA-bronze"].at]
    assert all(a.contact.arrived_at - bronze.arrived_at <= 300 for a in passers)


def test_without_aging_the_same_bronze_caller_would_wait_forever(weights: Weights) -> None:
    strict = replace(weights, aging_per_second=1e-9)
    golds = [contact(f"CA-gold-{i}", tier="gold", arrived_at=NOW + 50 * i) for i in range(400)]
    bronze = contact("CA-bronze", tier="bronze", arrived_at=NOW + 100)

    answers = simulate([*golds, bronze], agents=2, handle=120, until=NOW + 20_000, weights=strict)

    assert "CA-bronze" not in answers
    assert len(answers) > 150


def test_a_caller_with_every_bonus_cannot_pass_a_bronze_caller_who_arrived_a_bound_earlier(
    weights: Weights,
) -> None:
    history = History(contacts_24h=9, contacts_7d=9, open_cases=(1, 2), last_outcome="abandoned")
    best = contact(
        "CA-best", tier="platinum", lifetime_value=1e9, history=history, priority_hint=100
    )
    bound = starvation_bound(weights)
    bronze = waiting_contact(contact("CA-bronze", arrived_at=NOW), weights)
    just_inside = waiting_contact(replace(best, arrived_at=NOW + bound - 1), weights)
    just_outside = waiting_contact(replace(best, arrived_at=NOW + bound + 0.001), weights)

    assert prioritize(best, weights).base == weights.max_base
    assert serving_order([bronze, just_inside], weights)[0] is just_inside
    assert serving_order([bronze, just_outside], weights)[0] is bronze


tiers = st.sampled_from([None, "platinum", "gold", "silver", "bronze", "diamond"])
contacts = st.builds(
    lambda tier, ltv, c24, c7, cases, outcome, hint, ms: Contact(
        id=f"CA{ms}",
        queue="general",
        arrived_at=NOW + ms / 1000,
        priority_hint=hint,
        customer=CustomerValue(tier=tier, lifetime_value=ltv),
        history=History(
            contacts_24h=c24, contacts_7d=c7, open_cases=tuple(range(cases)), last_outcome=outcome
        ),
    ),
    tiers,
    st.floats(-1e3, 1e7),
    st.integers(-1, 30),
    st.integers(-1, 60),
    st.integers(0, 6),
    st.sampled_from([None, "resolved", "abandoned", "transferred_repeatedly"]),
    st.integers(-5, 100),
    st.integers(0, 10_000_000),
)
points = st.floats(0, 100)
capped = st.builds(lambda per, cap: Capped(per=per, cap=cap), points, points)
weight_sets = st.builds(
    lambda tiers, unknown, rules, bad, aging: replace(
        default_weights(),
        tiers=tiers,
        unknown_caller=unknown,
        lifetime_value=rules[0],
        contacts_24h=rules[1],
        contacts_7d=rules[2],
        open_cases=rules[3],
        priority_hint=rules[4],
        recent_bad_outcome=bad,
        aging_per_second=aging,
    ),
    st.fixed_dictionaries({"gold": points, "bronze": points, "platinum": points}),
    points,
    st.tuples(capped, capped, capped, capped, capped),
    points,
    st.floats(0.001, 10),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(contacts, min_size=2, max_size=25, unique_by=lambda c: c.id), weight_sets)
def test_no_contact_is_ever_passed_by_one_arriving_more_than_the_bound_later(
    waiting: list[Contact], weights: Weights
) -> None:
    bound = starvation_bound(weights)

    order = serving_order((waiting_contact(c, weights) for c in waiting), weights)

    for first, later in combinations(order, 2):
        assert first.contact.arrived_at - later.contact.arrived_at <= bound + ROUNDING


@settings(max_examples=300, deadline=None)
@given(contacts, weight_sets)
def test_every_base_lies_between_the_lowest_and_highest_possible(
    caller: Contact, weights: Weights
) -> None:
    priority = prioritize(caller, weights)

    assert weights.min_base <= priority.base <= weights.max_base
