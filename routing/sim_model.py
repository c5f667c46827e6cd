"""The simulator's data: what it is asked to run (a scenario, arrivals) and what it reports.

Definitions used by every figure, over the *measured* contacts (those that arrived inside
the measurement window, i.e. after the warm-up):

- wait: seconds in queue, from arrival to answer, or to hanging up for an abandoned contact;
- offered: measured contacts; every one of them ends answered or abandoned, since the run
  goes on after the last arrival until the queue is empty;
- service level: contacts answered with a wait of at most T seconds, divided by offered
  (an abandoned contact never counts as within T). With infinite patience every contact is
  answered, so this is the share of contacts whose wait is at most T: Erlang C's definition;
- ASA: the mean wait of answered contacts;
- abandonment rate: abandoned divided by offered;
- occupancy: agent-seconds spent handling contacts inside the window, divided by the
  agent-seconds in the window;
- p90 wait: the nearest-rank 90th percentile (the smallest wait that at least 90% of the
  contacts did not exceed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

from routing.errors import RoutingError
from routing.model import Agent, History, QueueConfig

SECONDS_PER_HOUR = 3600.0
DEFAULT_QUEUE = "general"
UNKNOWN_TIER = "unknown"


class SimulationError(RoutingError):
    """A scenario or a replay the simulator cannot run; ``problems`` lists each one."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        detail = "\n".join(self.problems)
        super().__init__(f"{message}\n{detail}" if detail else message)
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Arrival:
    """One contact offered to the simulation: who, when, how long it needs, how long it waits."""

    id: str
    arrived_at: float
    handle_seconds: float
    queue: str = DEFAULT_QUEUE
    tier: str | None = None
    lifetime_value: float = 0.0
    history: History = field(default_factory=History)
    # None: the caller waits as long as it takes (the M/M/N assumption).
    patience_seconds: float | None = None

    @property
    def tier_label(self) -> str:
        """The tier as reports name it; ``unknown`` for a caller without one."""
        return self.tier or UNKNOWN_TIER


@dataclass(frozen=True, kw_only=True)
class HistoryMix:
    """Shares of callers with history: an open case, a second contact today, a recent agent."""

    open_case: float = 0.0
    repeat: float = 0.0
    # Spoke to an agent of the roster yesterday: sticky routing waits for that agent.
    returning: float = 0.0

    def __post_init__(self) -> None:
        for name, share in asdict(self).items():
            if not 0.0 <= share <= 1.0:
                raise SimulationError(f"history share {name} must be between 0 and 1, not {share}")


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """Poisson arrivals and exponential handle times over some hours, for a roster of agents."""

    calls_per_hour: float
    aht_seconds: float
    agents: int | Sequence[Agent]
    hours: float = 8.0
    warm_up_hours: float = 1.0
    patience_seconds: float | None = None
    tiers: Mapping[str, float] = field(default_factory=lambda: {"bronze": 1.0})
    history: HistoryMix = field(default_factory=HistoryMix)
    queues: tuple[QueueConfig, ...] = (QueueConfig(name=DEFAULT_QUEUE),)
    # Shares of arrivals per queue name; None spreads them evenly over ``queues``.
    queue_mix: Mapping[str, float] | None = None
    service_level_seconds: float = 20.0
    seed: int = 0

    def __post_init__(self) -> None:
        problems = _scenario_problems(self)
        if problems:
            raise SimulationError("the scenario cannot be simulated", problems)

    @property
    def agent_count(self) -> int:
        """How many agents staff the scenario."""
        return self.agents if isinstance(self.agents, int) else len(self.agents)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What happened to one measured contact."""

    id: str
    tier: str
    queue: str
    arrived_at: float
    waited: float
    answered: bool
    agent_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class TierResult:
    """Figures for the measured contacts of one tier (definitions in the module docstring)."""

    tier: str
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    asa_seconds: float | None
    average_wait: float | None
    p90_wait: float | None
    longest_wait: float


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """The figures of one run (definitions in the module docstring); ``outcomes`` per contact."""

    agents: int
    window_seconds: float
    service_level_seconds: float
    offered: int
    answered: int
    abandoned: int
    abandonment_rate: float | None
    service_level: float | None
    asa_seconds: float | None
    occupancy: float | None
    longest_wait: float
    tiers: tuple[TierResult, ...]
    outcomes: tuple[Outcome, ...] = field(default=(), repr=False, compare=False)

    def tier(self, name: str) -> TierResult:
        """The figures of one tier; KeyError if no measured contact had it."""
        for result in self.tiers:
            if result.tier == name:
                return result
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON, without the per-contact outcomes."""
        figures = asdict(self)
        del figures["outcomes"]
        return figures


def shares(mix: Mapping[str, float], what: str) -> Mapping[str, float]:
    """The mix scaled to sum to 1; SimulationError for negative or all-zero shares."""
    if any(share < 0 for share in mix.values()):
        raise SimulationError(f"{what} shares cannot be negative")
    total = sum(mix.values())
    if not mix or total <= 0:
        raise SimulationError(f"{what} shares must add up to more than 0")
    return MappingProxyType({name: share / total for name, share in mix.items()})


def _scenario_problems(scenario: Scenario) -> list[str]:
    """Every reason the scenario cannot run, worded for a supervisor."""
    checks = (
        (scenario.calls_per_hour > 0, "calls per hour must be more than 0"),
        (scenario.aht_seconds > 0, "average handle time must be more than 0 seconds"),
        (scenario.agent_count >= 1, "at least one agent is needed"),
        (scenario.hours > 0, "hours must be more than 0"),
        (scenario.warm_up_hours >= 0, "warm-up hours cannot be negative"),
        (
            scenario.patience_seconds is None or scenario.patience_seconds > 0,
            "patience must be more than 0 seconds (or none, for callers who never hang up)",
        ),
        (scenario.service_level_seconds >= 0, "the service level time cannot be negative"),
        (bool(scenario.queues), "name at least one queue"),
    )
    return [problem for ok, problem in checks if not ok] + _mix_problems(scenario)


def _mix_problems(scenario: Scenario) -> list[str]:
    """Problems with the tier and queue shares."""
    problems = []
    for what, mix in (("tier", scenario.tiers), ("queue", scenario.queue_mix)):
        if mix is not None and (not mix or min(mix.values()) < 0 or sum(mix.values()) <= 0):
            problems.append(f"{what} shares must be at least 0 and add up to more than 0")
    names = {queue.name for queue in scenario.queues}
    unknown = sorted(set(scenario.queue_mix or ()) - names)
    if unknown:
        problems.append(f"queue shares name unknown queue(s): {', '.join(unknown)}")
    return problems
