"""Agent and queue choice: skills, proficiency, language, capacity, longest idle first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import (
    Agent,
    NoAgentAvailable,
    NoContactWaiting,
    NotEligible,
    Presence,
    QueueConfig,
    Weights,
    after_missed_offer,
    check_can_take,
    choose_agent,
    choose_contact,
    is_staffed,
    overflow_reason,
    queues_for,
    rank_agents,
)
from tests.unit.routing.support import NOW, agent, contact

BILLING = QueueConfig(name="billing", skills=("billing",), overflow="general")
SPANISH = QueueConfig(name="spanish", language="es")
GENERAL = QueueConfig(name="general", max_wait_seconds=600)


def test_longest_idle_agent_gets_the_call(weights: Weights) -> None:
    recent = agent("a1", "Ana", idle_since=NOW - 30)
    longest = agent("a2", "Ben", idle_since=NOW - 240)

    decision = choose_agent(contact(), [recent, longest], NOW, weights)

    assert decision.agent == longest
    assert decision.trace == ("best of 2 eligible: Ben (idle 240 s)",)


def test_higher_proficiency_beats_longer_idle(weights: Weights) -> None:
    expert = agent("a1", "Ana", skills={"billing": 5}, idle_since=NOW - 10)
    learner = agent("a2", "Ben", skills={"billing": 2}, idle_since=NOW - 900)

    decision = choose_agent(contact(skills=("billing",)), [learner, expert], NOW, weights)

    assert decision.agent == expert
    assert decision.trace == ("best of 2 eligible: Ana (billing 5/5, idle 10 s)",)


def test_the_trace_names_each_skill_level_and_a_language_other_than_english(
    weights: Weights,
) -> None:
    ana = agent(skills={"billing": 3, "tech": 4}, languages=("en", "es"), idle_since=NOW - 340)
    caller = contact(skills=("billing", "tech"), language="es")

    decision = choose_agent(caller, [ana], NOW, weights)

    assert decision.trace == (
        "best of 1 eligible: Ana (billing 3/5, tech 4/5, idle 340 s, speaks es)",
    )


def test_an_agent_considering_another_offer_is_not_offered_a_second(weights: Weights) -> None:
    considering = replace(agent("a1", "Ana", idle_since=NOW - 900), offer_pending=True)
    free = agent("a2", "Ben", idle_since=NOW - 5)

    decision = choose_agent(contact(), [considering, free], NOW, weights)

    assert decision.agent == free
    assert decision.trace == (
        "best of 1 eligible: Ben (idle 5 s); not eligible: 1 considering an offer",
    )


def test_proficiency_is_summed_over_every_required_skill() -> None:
    even = agent("a1", "Ana", skills={"billing": 3, "tech": 3})
    lopsided = agent("a2", "Ben", skills={"billing": 5, "tech": 2})
    caller = contact(skills=("billing", "tech"))

    ranked = rank_agents(caller, [lopsided, even])

    assert [a.name for a in ranked] == ["Ben", "Ana"]


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (agent(skills={"tech": 5}), "1 lacks billing"),
        (agent(skills={"billing": 3}, languages=("en",)), "1 does not speak es"),
        (agent(skills={"billing": 3}, languages=("es",), presence=Presence.BUSY), "1 busy"),
        (
            agent(skills={"billing": 3}, languages=("es",), presence=Presence.WRAP_UP),
            "1 wrapping up",
        ),
        (agent(skills={"billing": 3}, languages=("es",), presence=Presence.AWAY), "1 away"),
    ],
)
def test_agents_without_skill_language_or_a_free_line_are_not_offered_the_call(
    weights: Weights, candidate: Agent, reason: str
) -> None:
    caller = contact(skills=("billing",), language="es")

    decision = choose_agent(caller, [candidate], NOW, weights)

    assert decision.agent is None
    assert decision.trace == (f"no agent available ({reason})",)


def test_an_agent_already_on_a_call_is_not_offered_a_second(weights: Weights) -> None:
    on_call = replace(agent(), voice_calls=1)

    decision = choose_agent(contact(), [on_call], NOW, weights)

    assert decision.agent is None
    assert decision.trace == ("no agent available (1 on a call)",)


def test_nobody_at_work_is_said_plainly(weights: Weights) -> None:
    decision = choose_agent(contact("CA9"), [], NOW, weights)

    assert decision.trace == ("no agent available (no agent at work)",)
    with pytest.raises(NoAgentAvailable, match="CA9: no agent available"):
        decision.match()


def test_agent_serves_only_queues_whose_skills_and_language_they_have() -> None:
    ana = agent(skills={"billing": 4}, languages=("en",))

    served = queues_for(ana, [BILLING, SPANISH, GENERAL])

    assert [queue.name for queue in served] == ["billing", "general"]


def test_a_queue_with_only_away_agents_is_not_staffed() -> None:
    away = agent(skills={"billing": 4}, presence=Presence.AWAY)
    busy = agent(skills={"billing": 4}, presence=Presence.BUSY)

    assert not is_staffed(BILLING, [away])
    assert is_staffed(BILLING, [away, busy])


@pytest.mark.parametrize(
    ("queue", "waited", "agents", "reason"),
    [
        (BILLING, 0, [], "no agent at work for billing: overflow to general"),
        (
            BILLING,
            300,
            [agent(skills={"billing": 1})],
            "waited 300 s, billing allows 300 s: overflow to general",
        ),
        (GENERAL, 599, [agent()], None),
        (
            GENERAL,
            600,
            [agent()],
            "waited 600 s, general allows 600 s: overflow to the fallback line",
        ),
    ],
)
def test_callers_overflow_past_the_maximum_wait_or_when_nobody_is_at_work(
    queue: QueueConfig, waited: float, agents: list[Agent], reason: str | None
) -> None:
    assert overflow_reason(queue, waited, agents) == reason


def test_agent_takes_the_first_waiting_contact_they_can_serve(weights: Weights) -> None:
    ana = agent(skills={"tech": 3})
    waiting = [contact("CA1", skills=("billing",)), contact("CA2", skills=("tech",))]

    decision = choose_contact(ana, waiting, [ana], NOW, weights)

    assert decision.match() == (ana, waiting[1])
    assert decision.trace == (
        "skip CA1: Ana lacks billing",
        "take CA2 from general: next in priority order",
    )


def test_a_busy_agent_is_offered_nothing(weights: Weights) -> None:
    ana = agent(presence=Presence.WRAP_UP)

    decision = choose_contact(ana, [contact()], [ana], NOW, weights)

    assert decision.contact is None
    assert decision.trace == ("Ana is wrapping up: nothing offered",)
    with pytest.raises(NoContactWaiting):
        decision.match()


def test_accepting_a_call_without_its_skill_is_refused() -> None:
    ana = agent(skills={"tech": 3})

    with pytest.raises(NotEligible, match="Ana may not take CA1: lacks billing"):
        check_can_take(ana, contact("CA1", skills=("billing",)))


def test_an_agent_who_misses_an_offer_is_set_away() -> None:
    ana = agent()

    after = after_missed_offer(ana)

    assert after.presence is Presence.AWAY
    assert (after.id, after.idle_since) == (ana.id, ana.idle_since)


def test_proficiency_outside_1_to_5_is_refused() -> None:
    with pytest.raises(ValueError, match="must be 1-5"):
        agent(skills={"billing": 6})
