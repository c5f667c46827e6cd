"""Random arrivals for a scenario: a Poisson stream, tiers, history, handle times, patience.

Arrivals are drawn once, before any routing, from a generator seeded by the scenario: two
weights files run on the very same callers, so their difference is the weights' alone.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Mapping, Sequence

from routing.model import Agent, History, Presence, QueueConfig
from routing.sim_model import SECONDS_PER_HOUR, Arrival, HistoryMix, Scenario, shares

# How long ago a returning caller last spoke to an agent, and what a generated agent knows.
RETURNING_AFTER_SECONDS = 86_400.0
GENERATED_PROFICIENCY = 3

_Mix = tuple[tuple[str, ...], tuple[float, ...]]


def generate_arrivals(scenario: Scenario) -> tuple[Arrival, ...]:
    """The scenario's callers, from time 0 to the end of warm-up plus its hours."""
    rng = random.Random(scenario.seed)
    rate = scenario.calls_per_hour / SECONDS_PER_HOUR
    until = (scenario.warm_up_hours + scenario.hours) * SECONDS_PER_HOUR
    tiers = _mix(shares(scenario.tiers, "tier"))
    queues = _mix(shares(scenario.queue_mix or _even(scenario.queues), "queue"))
    agent_ids = [agent.id for agent in roster(scenario.agents, scenario.queues)]
    arrivals: list[Arrival] = []
    clock = rng.expovariate(rate)
    while clock < until:
        arrivals.append(
            Arrival(
                id=f"SIM{len(arrivals) + 1:07d}",
                arrived_at=clock,
                tier=_pick(rng, tiers),
                queue=_pick(rng, queues),
                handle_seconds=rng.expovariate(1.0 / scenario.aht_seconds),
                patience_seconds=_patience(rng, scenario.patience_seconds),
                history=_history(rng, scenario.history, agent_ids, clock),
            )
        )
        clock += rng.expovariate(rate)
    return tuple(arrivals)


def roster(
    agents: int | Sequence[Agent], queues: Sequence[QueueConfig], start: float = 0.0
) -> tuple[Agent, ...]:
    """Agents available from ``start``: given ones as they are, or N who can serve every queue."""
    if not isinstance(agents, int):
        return tuple(_available(agent, start) for agent in agents)
    skills = {skill: GENERATED_PROFICIENCY for queue in queues for skill in queue.skills}
    languages = tuple(dict.fromkeys(queue.language for queue in queues))
    width = len(str(agents))
    return tuple(
        Agent(
            id=f"agent-{number:0{width}d}",
            name=f"Agent {number}",
            skills=skills,
            languages=languages,
            presence=Presence.AVAILABLE,
            idle_since=start,
        )
        for number in range(1, agents + 1)
    )


def _available(agent: Agent, start: float) -> Agent:
    """A given agent logged in and free at ``start``."""
    return Agent(
        id=agent.id,
        name=agent.name,
        skills=agent.skills,
        languages=agent.languages,
        presence=Presence.AVAILABLE,
        idle_since=start,
    )


def _even(queues: Sequence[QueueConfig]) -> Mapping[str, float]:
    return {queue.name: 1.0 for queue in queues}


def _pick(rng: random.Random, mix: _Mix) -> str:
    """A name drawn with the mix's shares: one uniform draw, whatever the mix."""
    names, bounds = mix
    return names[min(bisect.bisect_right(bounds, rng.random()), len(names) - 1)]


def _mix(shares: Mapping[str, float]) -> _Mix:
    """Names and their cumulative shares, for _pick."""
    return tuple(shares), tuple(itertools.accumulate(shares.values()))


def _patience(rng: random.Random, mean: float | None) -> float | None:
    return None if mean is None else rng.expovariate(1.0 / mean)


def _history(
    rng: random.Random, mix: HistoryMix, agent_ids: Sequence[str], clock: float
) -> History:
    """A caller's history: each kind drawn on its own, in a fixed order (for the seed)."""
    open_case = rng.random() < mix.open_case
    repeat = rng.random() < mix.repeat
    returning = rng.random() < mix.returning
    last_agent = rng.choice(agent_ids) if returning else None
    return History(
        contacts_24h=1 if repeat else 0,
        contacts_7d=int(repeat) + int(returning),
        open_cases=(1,) if open_case else (),
        last_agent_id=last_agent,
        last_contact_at=clock - RETURNING_AFTER_SECONDS if returning else None,
    )
