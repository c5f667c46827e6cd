"""From a run's outcomes to its figures (definitions in routing.sim_model)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from routing.sim_engine import RunLog
from routing.sim_model import Outcome, SimulationResult, TierResult

P90 = 0.9


def summarize(
    log: RunLog,
    *,
    agents: int,
    window_seconds: float,
    service_level_seconds: float,
    tier_points: Mapping[str, float],
) -> SimulationResult:
    """The run's figures over its measured contacts, overall and per tier (highest first)."""
    outcomes = log.outcomes
    answered = [outcome for outcome in outcomes if outcome.answered]
    agent_seconds = agents * window_seconds
    return SimulationResult(
        agents=agents,
        window_seconds=window_seconds,
        service_level_seconds=service_level_seconds,
        offered=len(outcomes),
        answered=len(answered),
        abandoned=len(outcomes) - len(answered),
        abandonment_rate=_share(len(outcomes) - len(answered), len(outcomes)),
        service_level=_service_level(outcomes, service_level_seconds),
        asa_seconds=_mean([outcome.waited for outcome in answered]),
        occupancy=log.busy_seconds / agent_seconds if agent_seconds > 0 else None,
        longest_wait=max((outcome.waited for outcome in outcomes), default=0.0),
        tiers=_tiers(outcomes, service_level_seconds, tier_points),
        outcomes=outcomes,
    )


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least ``share`` of values reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _tiers(
    outcomes: Sequence[Outcome], within: float, points: Mapping[str, float]
) -> tuple[TierResult, ...]:
    """Figures per tier, the tier with the most points first (unweighted tiers last)."""
    names = sorted({outcome.tier for outcome in outcomes}, key=lambda n: (-points.get(n, -1), n))
    return tuple(_tier(name, [o for o in outcomes if o.tier == name], within) for name in names)


def _tier(name: str, outcomes: Sequence[Outcome], within: float) -> TierResult:
    waits = [outcome.waited for outcome in outcomes]
    answered = [outcome.waited for outcome in outcomes if outcome.answered]
    return TierResult(
        tier=name,
        offered=len(outcomes),
        answered=len(answered),
        abandoned=len(outcomes) - len(answered),
        service_level=_service_level(outcomes, within),
        asa_seconds=_mean(answered),
        average_wait=_mean(waits),
        p90_wait=percentile(waits, P90),
        longest_wait=max(waits, default=0.0),
    )


def _service_level(outcomes: Sequence[Outcome], within: float) -> float | None:
    """Answered with a wait of at most ``within`` seconds, over every offered contact."""
    quick = sum(1 for outcome in outcomes if outcome.answered and outcome.waited <= within)
    return _share(quick, len(outcomes))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None
