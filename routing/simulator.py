"""The what-if simulator: the real routing policy on a simulated clock, to try weights safely.

A discrete-event simulation (routing.sim_engine) offers contacts to agents with the same
functions production uses: ``prioritize`` and the serving order for who waits ahead of whom,
``choose_agent`` when a contact arrives (sticky routing included), ``choose_contact`` when
an agent frees up. Contacts come from a scenario (Poisson arrivals, exponential handle times
and patience, a tier and history mix: routing.sim_arrivals) or from recorded interactions
(routing.sim_replay). The figures and their exact definitions are in routing.sim_model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from routing.choice import is_staffed
from routing.model import Agent, QueueConfig
from routing.sim_arrivals import generate_arrivals, roster
from routing.sim_engine import RunLog, Window, run
from routing.sim_model import (
    SECONDS_PER_HOUR,
    Arrival,
    HistoryMix,
    Outcome,
    Scenario,
    SimulationError,
    SimulationResult,
    TierResult,
)
from routing.sim_replay import ReplayError, load_replay, parse_replay
from routing.sim_results import summarize
from routing.staffing import Load, staff
from routing.weights import Weights, default_weights

# Calls simulated per load when comparing with Erlang C. The simulated service level's
# spread shrinks with the square root of this; near saturation (occupancy above 0.85) queues
# remember their past for hours, so the same number of calls settles less tightly there.
ERLANG_CALLS = 100_000
ERLANG_WARM_UP_HOURS = 2.0
ERLANG_SEED = 1

__all__ = [
    "Arrival",
    "ErlangComparison",
    "HistoryMix",
    "Outcome",
    "ReplayError",
    "Scenario",
    "SimulationError",
    "SimulationResult",
    "TierResult",
    "compare_with_erlang",
    "load_replay",
    "mmn_scenario",
    "mmn_service_level",
    "parse_replay",
    "replay",
    "simulate",
]


def simulate(scenario: Scenario, weights: Weights | None = None) -> SimulationResult:
    """Run the scenario with ``weights`` (the shipped ones by default) and report its figures."""
    weights = weights or default_weights()
    start = scenario.warm_up_hours * SECONDS_PER_HOUR
    window = Window(start, start + scenario.hours * SECONDS_PER_HOUR)
    agents = roster(scenario.agents, scenario.queues)
    log = _run(generate_arrivals(scenario), agents, scenario.queues, weights, window)
    return summarize(
        log,
        agents=len(agents),
        window_seconds=scenario.hours * SECONDS_PER_HOUR,
        service_level_seconds=scenario.service_level_seconds,
        tier_points=weights.tiers,
    )


def replay(
    arrivals: Sequence[Arrival],
    agents: int | Sequence[Agent],
    *,
    weights: Weights | None = None,
    queues: Sequence[QueueConfig] | None = None,
    warm_up_seconds: float = 0.0,
    service_level_seconds: float = 20.0,
) -> SimulationResult:
    """Replay recorded contacts, measured from the first arrival (plus any warm-up) to the end.

    The end is when the last contact is handled or hangs up. Without ``queues``, each queue
    named in the recording needs no skill and speaks English.
    """
    if not arrivals:
        raise SimulationError("nothing to replay: no recorded contacts")
    if warm_up_seconds < 0 or service_level_seconds < 0:
        raise SimulationError("warm-up and service level seconds cannot be negative")
    weights = weights or default_weights()
    queues = queues or [QueueConfig(name=name) for name in dict.fromkeys(a.queue for a in arrivals)]
    first = min(arrival.arrived_at for arrival in arrivals)
    team = roster(agents, queues, start=first)
    window = Window(first + warm_up_seconds)
    log = _run(arrivals, team, queues, weights, window)
    return summarize(
        log,
        agents=len(team),
        window_seconds=max(0.0, log.ended_at - window.start),
        service_level_seconds=service_level_seconds,
        tier_points=weights.tiers,
    )


@dataclass(frozen=True)
class ErlangComparison:
    """One load's service level, simulated (plain M/M/N) and by Erlang C; points apart."""

    calls_per_hour: float
    aht_seconds: float
    agents: int
    offered: int
    simulated: float
    erlang_c: float

    @property
    def difference(self) -> float:
        """Simulated minus Erlang C, as a share (0.01 is one point)."""
        return self.simulated - self.erlang_c

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON, the difference included."""
        return asdict(self) | {"difference": self.difference}


def mmn_scenario(
    calls_per_hour: float,
    aht_seconds: float,
    agents: int,
    *,
    hours: float,
    warm_up_hours: float = ERLANG_WARM_UP_HOURS,
    within_seconds: float = 20.0,
    seed: int = ERLANG_SEED,
) -> Scenario:
    """Erlang C's world: one queue, equal agents, one tier, callers who never hang up."""
    return Scenario(
        calls_per_hour=calls_per_hour,
        aht_seconds=aht_seconds,
        agents=agents,
        hours=hours,
        warm_up_hours=warm_up_hours,
        service_level_seconds=within_seconds,
        seed=seed,
    )


def mmn_service_level(
    calls_per_hour: float,
    aht_seconds: float,
    agents: int,
    *,
    calls: int = ERLANG_CALLS,
    within_seconds: float = 20.0,
    seed: int = ERLANG_SEED,
) -> float:
    """The simulated service level (share answered within the time) of a plain M/M/N load."""
    return compare_with_erlang(
        [(calls_per_hour, aht_seconds, agents)],
        calls=calls,
        within_seconds=within_seconds,
        seed=seed,
    )[0].simulated


def compare_with_erlang(
    loads: Iterable[tuple[float, float, int]],
    *,
    calls: int = ERLANG_CALLS,
    warm_up_hours: float = ERLANG_WARM_UP_HOURS,
    within_seconds: float = 20.0,
    seed: int = ERLANG_SEED,
    weights: Weights | None = None,
) -> tuple[ErlangComparison, ...]:
    """For each (calls per hour, AHT seconds, agents): simulated and Erlang C service level.

    Each load runs for about ``calls`` measured calls after the warm-up, all of one tier, so
    that the queue is first come, first served, as Erlang C's service level assumes.
    """
    return tuple(
        _compare(load, calls, warm_up_hours, within_seconds, seed, weights) for load in loads
    )


def _compare(
    load: tuple[float, float, int],
    calls: int,
    warm_up_hours: float,
    within_seconds: float,
    seed: int,
    weights: Weights | None,
) -> ErlangComparison:
    """One load simulated as plain M/M/N, beside Erlang C's figure."""
    calls_per_hour, aht_seconds, agents = load
    hours = calls / calls_per_hour if calls_per_hour > 0 else 0.0
    scenario = mmn_scenario(
        calls_per_hour,
        aht_seconds,
        agents,
        hours=hours,
        warm_up_hours=warm_up_hours,
        within_seconds=within_seconds,
        seed=seed,
    )
    result = simulate(scenario, weights)
    erlang = staff(Load(calls_per_hour, aht_seconds), agents, within_seconds).service_level
    simulated = result.service_level or 0.0
    return ErlangComparison(calls_per_hour, aht_seconds, agents, result.offered, simulated, erlang)


def _run(
    arrivals: Sequence[Arrival],
    agents: Sequence[Agent],
    queues: Sequence[QueueConfig],
    weights: Weights,
    window: Window,
) -> RunLog:
    """Check that every contact can be answered by someone, then run the engine."""
    known = {queue.name: queue for queue in queues}
    unknown = sorted({arrival.queue for arrival in arrivals} - set(known))
    if unknown:
        raise SimulationError(f"contacts for unknown queue(s): {', '.join(unknown)}")
    used = [known[name] for name in dict.fromkeys(arrival.queue for arrival in arrivals)]
    unstaffed = [queue.name for queue in used if not is_staffed(queue, agents)]
    if unstaffed:
        raise SimulationError(f"no agent can serve queue(s): {', '.join(unstaffed)}")
    return run(arrivals, agents, queues, weights, window)
