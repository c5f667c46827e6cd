"""Sticky routing: a returning caller waits a little for their last agent, then anyone will do."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Presence, Weights, choose_agent, choose_contact
from tests.unit.routing.support import NOW, agent, contact, returning

ANA = agent("a1", "Ana", presence=Presence.BUSY)
BEN = agent("a2", "Ben", idle_since=NOW - 600)


def test_sticky_routing_waits_for_the_last_agent_then_widens(weights: Weights) -> None:
    caller = contact(history=returning("a1", days_ago=3))

    early = choose_agent(caller, [ANA, BEN], NOW + 10, weights)
    late = choose_agent(caller, [ANA, BEN], NOW + 30, weights)

    assert early.agent is None
    assert early.reserved_for == ANA
    assert early.reserved_until == NOW + weights.sticky_wait_seconds
    assert early.trace == ("last agent Ana (3 days ago): waiting up to 30 s for Ana", "Ana is busy")
    assert late.agent == BEN
    assert late.trace == (
        "sticky wait over (30 s for Ana): any agent",
        "best of 1 eligible: Ben (idle 630 s); not eligible: 1 busy",
    )


def test_the_last_agent_gets_the_call_at_once_when_free(weights: Weights) -> None:
    free_ana = replace(ANA, presence=Presence.AVAILABLE)
    caller = contact(history=returning("a1", days_ago=0.25))

    decision = choose_agent(caller, [BEN, free_ana], NOW, weights)

    assert decision.agent == free_ana
    assert decision.trace == (
        "last agent Ana (6 h ago): waiting up to 30 s for Ana",
        "offer to Ana",
    )


@pytest.mark.parametrize(
    ("presence", "line"),
    [
        (Presence.AWAY, "last agent Ana (3 days ago) is away: any agent"),
        (Presence.OFFLINE, "last agent Ana (3 days ago) is offline: any agent"),
    ],
)
def test_an_away_or_offline_last_agent_is_not_waited_for(
    weights: Weights, presence: Presence, line: str
) -> None:
    caller = contact(history=returning("a1", days_ago=3))

    decision = choose_agent(caller, [replace(ANA, presence=presence), BEN], NOW, weights)

    assert decision.agent == BEN
    assert decision.trace[0] == line


def test_a_last_agent_outside_the_window_is_not_waited_for(weights: Weights) -> None:
    caller = contact(history=returning("a1", days_ago=8))

    decision = choose_agent(caller, [ANA, BEN], NOW, weights)

    assert decision.agent == BEN
    assert decision.trace[0] == "last agent Ana (8 days ago): over 7 days ago, any agent"


def test_a_last_agent_who_cannot_take_this_queue_is_not_waited_for(weights: Weights) -> None:
    caller = contact(skills=("billing",), history=returning("a1", days_ago=1))
    ben = replace(BEN, skills={"billing": 2})

    decision = choose_agent(caller, [ANA, ben], NOW, weights)

    assert decision.agent == ben
    assert decision.trace[0] == "last agent Ana (1 day ago) lacks billing: any agent"


def test_a_last_agent_not_on_the_roster_counts_as_offline(weights: Weights) -> None:
    caller = contact(history=returning("a7", days_ago=2))

    decision = choose_agent(caller, [BEN], NOW, weights)

    assert decision.trace[0] == "last agent #a7 (2 days ago) is offline: any agent"


def test_other_agents_skip_a_contact_reserved_for_its_last_agent(weights: Weights) -> None:
    reserved = contact("CA1", history=returning("a1", days_ago=3))
    next_up = contact("CA2", arrived_at=NOW + 2)

    decision = choose_contact(BEN, [reserved, next_up], [ANA, BEN], NOW + 10, weights)

    assert decision.contact == next_up
    assert decision.trace == (
        "skip CA1: waiting for last agent Ana (20 s left)",
        "take CA2 from general: next in priority order",
    )


def test_the_last_agent_takes_the_contact_reserved_for_them(weights: Weights) -> None:
    free_ana = replace(ANA, presence=Presence.AVAILABLE)
    reserved = contact("CA1", history=returning("a1", days_ago=3))

    decision = choose_contact(free_ana, [reserved], [free_ana, BEN], NOW + 10, weights)

    assert decision.match() == (free_ana, reserved)


def test_once_the_reservation_ends_any_agent_takes_the_contact(weights: Weights) -> None:
    reserved = contact("CA1", history=returning("a1", days_ago=3))

    decision = choose_contact(BEN, [reserved], [ANA, BEN], NOW + 30, weights)

    assert decision.contact == reserved


def test_with_nothing_to_take_the_trace_says_what_was_skipped(weights: Weights) -> None:
    reserved = [contact(f"CA{i}", history=returning("a1", days_ago=3)) for i in range(12)]

    decision = choose_contact(BEN, reserved, [ANA, BEN], NOW, weights)

    assert decision.contact is None
    assert len(decision.trace) == 12
    assert decision.trace[-2:] == ("... and 2 more skipped", "nothing waiting that Ben may take")
