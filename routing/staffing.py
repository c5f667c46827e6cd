"""Staffing math: Erlang C waiting probability, speed of answer, service level, agents needed.

The model is M/M/N with an infinite queue: calls arrive as a Poisson stream, handle times
are exponential, every caller waits as long as it takes (no abandonment, no busy signal),
and agents are fully on the phones (no shrinkage). Real queues lose callers who hang up,
so Erlang C errs on the side of too many agents, which is the safe side for planning.

Erlang C is computed from Erlang B with the recurrence B(n) = A·B(n-1) / (n + A·B(n-1)),
which stays within [0, 1] and never forms A^N or N!, so it holds for thousands of agents.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

SECONDS_PER_HOUR = 3600.0
# A bound on the work one question may ask for: the recurrence runs once per agent.
MAX_AGENTS = 100_000


class StaffingError(ValueError):
    """Input the staffing model cannot work with (a zero handle time, a target of 120%...)."""


@dataclass(frozen=True)
class Load:
    """Offered work: calls per hour and their average handle time (talk + hold + wrap-up)."""

    calls_per_hour: float
    aht_seconds: float

    def __post_init__(self) -> None:
        _check_finite("calls per hour", self.calls_per_hour)
        _check_finite("average handle time", self.aht_seconds)
        if self.calls_per_hour < 0:
            raise StaffingError("calls per hour cannot be negative")
        if self.aht_seconds <= 0:
            raise StaffingError("average handle time must be more than 0 seconds")
        if self.intensity >= MAX_AGENTS:
            raise StaffingError(f"a load of {self.intensity:.0f} Erlangs is beyond this model")

    @property
    def intensity(self) -> float:
        """Traffic intensity in Erlangs: the agents busy on average, arrival rate times AHT."""
        return self.calls_per_hour * self.aht_seconds / SECONDS_PER_HOUR


@dataclass(frozen=True)
class Target:
    """What good service means: a service level, and optionally a cap on ASA and occupancy."""

    service_level: float = 0.8
    within_seconds: float = 20.0
    max_asa_seconds: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        _check_finite("service level target", self.service_level)
        _check_finite("answer time", self.within_seconds)
        if not 0 < self.service_level < 1:
            raise StaffingError("service level target must be between 0 and 1 (e.g. 0.8)")
        if self.within_seconds < 0:
            raise StaffingError("answer time cannot be negative")
        if self.max_asa_seconds is not None and not self.max_asa_seconds > 0:
            raise StaffingError("maximum average speed of answer must be more than 0 seconds")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise StaffingError("maximum occupancy must be above 0 and at most 1")

    def met_by(self, staffing: Staffing) -> bool:
        """Whether ``staffing`` gives this service level, and stays under any caps."""
        return (
            staffing.stable
            and staffing.service_level >= self.service_level
            and (self.max_asa_seconds is None or staffing.asa_seconds <= self.max_asa_seconds)
            and (self.max_occupancy is None or staffing.occupancy <= self.max_occupancy)
        )


@dataclass(frozen=True)
class Staffing:
    """Erlang C figures for one load answered by a given number of agents.

    With no more agents than Erlangs the queue grows without end: ``stable`` is False,
    every caller waits, the service level is 0, ASA is infinite and occupancy is 1.
    """

    load: Load
    agents: int
    within_seconds: float
    probability_of_waiting: float
    asa_seconds: float
    service_level: float
    occupancy: float

    @property
    def stable(self) -> bool:
        """Whether the agents outpace the calls, so that the queue settles."""
        return self.agents > self.load.intensity

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON; an infinite ASA becomes None, as JSON has no infinity."""
        return {
            "agents": self.agents,
            "stable": self.stable,
            "probability_of_waiting": self.probability_of_waiting,
            "asa_seconds": self.asa_seconds if math.isfinite(self.asa_seconds) else None,
            "service_level": self.service_level,
            "within_seconds": self.within_seconds,
            "occupancy": self.occupancy,
        }


@dataclass(frozen=True)
class StaffingTable:
    """Rows of staffing figures for a load, and the fewest agents that meet the target."""

    load: Load
    target: Target
    needed: int
    rows: tuple[Staffing, ...]


def erlang_b(agents: int, intensity: float) -> float:
    """Blocking probability with ``agents`` servers and no queue (Erlang B)."""
    _check_agents(agents, allow_zero=True)
    _check_intensity(intensity)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = _next_erlang_b(n, intensity, blocking)
    return blocking


def erlang_c(agents: int, intensity: float) -> float:
    """Probability that a caller waits (Erlang C); 1 when the system is unstable."""
    return _erlang_c_from_b(agents, intensity, erlang_b(agents, intensity))


def staff(load: Load, agents: int, within_seconds: float = 20.0) -> Staffing:
    """Erlang C figures for ``load`` answered by ``agents``, service level within the time."""
    _check_agents(agents, allow_zero=False)
    _check_finite("answer time", within_seconds)
    if within_seconds < 0:
        raise StaffingError("answer time cannot be negative")
    return _staffing(load, agents, within_seconds, erlang_b(agents, load.intensity))


def agents_needed(load: Load, target: Target | None = None) -> int:
    """The fewest agents (more than the Erlangs offered) that meet ``target`` (80/20 default)."""
    target = target or Target()
    for staffing in _stable_staffings(load, target.within_seconds):
        if target.met_by(staffing):
            return staffing.agents
    raise StaffingError(f"the target needs more than {MAX_AGENTS} agents")


def staffing_table(
    load: Load, target: Target | None = None, before: int | None = None, after: int = 3
) -> StaffingTable:
    """Figures from the first stable head count (or ``before`` under the need) to ``after`` over."""
    if after < 0 or (before is not None and before < 0):
        raise StaffingError("rows before and after the needed count cannot be negative")
    target = target or Target()
    needed = agents_needed(load, target)
    first = 0 if before is None else needed - before
    rows: list[Staffing] = []
    for staffing in _stable_staffings(load, target.within_seconds):
        if staffing.agents > needed + after:
            break
        if staffing.agents >= first:
            rows.append(staffing)
    return StaffingTable(load, target, needed, tuple(rows))


def _stable_staffings(load: Load, within_seconds: float) -> Iterator[Staffing]:
    """Staffing for each head count from the smallest stable one upwards, up to MAX_AGENTS."""
    intensity = load.intensity
    first = math.floor(intensity) + 1
    blocking = erlang_b(first - 1, intensity)
    for agents in range(first, MAX_AGENTS + 1):
        blocking = _next_erlang_b(agents, intensity, blocking)
        yield _staffing(load, agents, within_seconds, blocking)


def _staffing(load: Load, agents: int, within_seconds: float, blocking: float) -> Staffing:
    intensity = load.intensity
    waiting = _erlang_c_from_b(agents, intensity, blocking)
    if agents <= intensity:
        return Staffing(load, agents, within_seconds, waiting, math.inf, 0.0, 1.0)
    spare = agents - intensity
    asa = waiting * load.aht_seconds / spare
    service_level = 1.0 - waiting * math.exp(-spare * within_seconds / load.aht_seconds)
    return Staffing(load, agents, within_seconds, waiting, asa, service_level, intensity / agents)


def _next_erlang_b(agents: int, intensity: float, previous: float) -> float:
    offered = intensity * previous
    return offered / (agents + offered)


def _erlang_c_from_b(agents: int, intensity: float, blocking: float) -> float:
    if agents <= intensity:
        return 1.0
    return agents * blocking / (agents - intensity * (1.0 - blocking))


def _check_finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise StaffingError(f"{name} must be a finite number, not {value}")


def _check_intensity(intensity: float) -> None:
    _check_finite("traffic intensity", intensity)
    if intensity < 0:
        raise StaffingError("traffic intensity cannot be negative")


def _check_agents(agents: int, allow_zero: bool) -> None:
    least = 0 if allow_zero else 1
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < least:
        raise StaffingError(f"agents must be a whole number of at least {least}, not {agents!r}")
    if agents > MAX_AGENTS:
        raise StaffingError(f"agents must be at most {MAX_AGENTS}")
