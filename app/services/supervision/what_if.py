"""The weights' what-if: the same callers routed by the weights in force and by new ones.

By default the callers are the center's own: the queued calls of the last ``days`` (7)
replayed as recorded (``recorded_traffic``). With fewer than ``MIN_RECORDED_CALLS`` of them,
the simulator generates traffic from the form's load and the recorded tier mix instead.
The answer says which one ran (``source``), over which period and how many contacts.

Agents in a replay: the form's number, else the most distinct agents who answered calls
within one clock hour of the period, all of them at work for the whole period (so quiet
hours are over-staffed, which moves few calls; the busy hours decide the figures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any

from app.extensions import db
from app.models import utcnow
from app.services.calls import routing_weights
from app.services.supervision import recorded_calls
from app.services.supervision.recorded_calls import Recording
from app.services.supervision.recorded_traffic import busiest_hour_agents, to_arrivals
from app.services.supervision.weights_edit import WeightsInputError, number, parse
from routing import Weights
from routing.sim_model import Arrival, SimulationResult
from routing.simulator import HistoryMix, Scenario, SimulationError, replay, simulate

DEFAULT_TIERS = {"platinum": 0.05, "gold": 0.15, "silver": 0.30, "bronze": 0.50}
MIN_RECORDED_CALLS = 50
DEFAULT_DAYS = 7.0
MAX_DAYS = 31.0
DEFAULT_AGENTS = 6
MAX_AGENTS = 500
# Handle time of a generated call, and of a recorded one whose record says none.
DEFAULT_AHT_SECONDS = 300.0


def what_if(fields: Mapping[str, Any], load: Mapping[str, Any]) -> dict[str, Any]:
    """Before and after figures per tier: recorded recent calls replayed, else generated."""
    proposed, _ = parse(fields)
    days = _bounded("days", load.get("days"), DEFAULT_DAYS, 1 / 24, MAX_DAYS)
    recording = recorded_calls.read(db.session, days, utcnow())
    period = {
        "days": days,
        "from": recording.since.isoformat(),
        "to": recording.until.isoformat(),
        "contacts": len(recording.calls),
        "truncated": recording.truncated,
    }
    try:
        if len(recording.calls) < MIN_RECORDED_CALLS:
            figures = {"source": "generated", **_generated(proposed, load, recording)}
        else:
            figures = {"source": "recorded", **_recorded(proposed, load, recording)}
    except SimulationError as exc:
        raise WeightsInputError(exc.message, list(exc.problems)) from None
    return {**figures, "period": period}


def _recorded(proposed: Weights, load: Mapping[str, Any], recording: Recording) -> dict[str, Any]:
    """The recording replayed twice."""
    aht = _bounded("aht_seconds", load.get("aht_seconds"), DEFAULT_AHT_SECONDS, 1, 24 * 3600)
    arrivals = to_arrivals(
        recording.calls,
        default_handle_seconds=aht,
        contacts=recording.contacts,
        cases=recording.cases,
    )
    agents, agents_from = _replay_agents(load, recording)
    in_force = routing_weights.in_force()
    runs = [
        replay(
            arrivals,
            agents,
            weights=weights,
            queues=list(recording.queues) or None,
            service_level_seconds=in_force.service_level_seconds,
        )
        for weights in (in_force, proposed)
    ]
    scenario = _recorded_scenario(arrivals, agents, float(recording.period_hours))
    return _figures({**scenario, "agents_from": agents_from}, runs[0], runs[1])


def _generated(proposed: Weights, load: Mapping[str, Any], recording: Recording) -> dict[str, Any]:
    """Generated callers with the recorded tier mix, for a center with too little record."""
    scenario = Scenario(
        calls_per_hour=number("calls_per_hour", _given(load, "calls_per_hour", 60)),
        aht_seconds=number("aht_seconds", _given(load, "aht_seconds", DEFAULT_AHT_SECONDS)),
        agents=int(number("agents", _given(load, "agents", DEFAULT_AGENTS))),
        hours=min(24.0, number("hours", _given(load, "hours", 8))),
        patience_seconds=number("patience_seconds", _given(load, "patience_seconds", 120)),
        tiers=tier_mix(recording),
        history=HistoryMix(open_case=0.1, repeat=0.15, returning=0.1),
        seed=1,
    )
    before = simulate(scenario, routing_weights.in_force())
    after = simulate(scenario, proposed)
    described = {
        "calls_per_hour": scenario.calls_per_hour,
        "aht_seconds": scenario.aht_seconds,
        "agents": scenario.agent_count,
        "agents_from": "form" if _given(load, "agents", None) is not None else "default",
        "hours": scenario.hours,
        "tiers": dict(scenario.tiers),
    }
    return _figures(described, before, after)


def tier_mix(recording: Recording) -> dict[str, float]:
    """Shares of tiers among the recorded callers with one; the usual mix without any."""
    counts = Counter(call.tier for call in recording.calls if call.tier is not None)
    total = sum(counts.values())
    if not total:
        return dict(DEFAULT_TIERS)
    return {tier: count / total for tier, count in counts.items()}


def _replay_agents(load: Mapping[str, Any], recording: Recording) -> tuple[int, str]:
    """The agents of a replay, and where the number came from."""
    given = _given(load, "agents", None)
    if given is not None:
        return int(_bounded("agents", given, DEFAULT_AGENTS, 1, MAX_AGENTS)), "form"
    seen = busiest_hour_agents(recording.calls)
    if seen:
        return min(seen, MAX_AGENTS), "record"
    return DEFAULT_AGENTS, "default"


def _recorded_scenario(arrivals: Sequence[Arrival], agents: int, hours: float) -> dict[str, Any]:
    """The replayed load described as the generated one is."""
    tiers = Counter(arrival.tier_label for arrival in arrivals)
    return {
        "calls_per_hour": round(len(arrivals) / hours, 2),
        "aht_seconds": round(fmean(arrival.handle_seconds for arrival in arrivals), 1),
        "agents": agents,
        "hours": hours,
        "tiers": {tier: count / len(arrivals) for tier, count in tiers.items()},
    }


def _figures(
    scenario: dict[str, Any], before: SimulationResult, after: SimulationResult
) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "tiers": _tier_rows(before, after),
        "before": _overall(before),
        "after": _overall(after),
    }


def _given(load: Mapping[str, Any], name: str, default: Any) -> Any:
    """The form's value, or ``default`` when left blank."""
    value = load.get(name)
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


def _bounded(name: str, value: Any, default: float, low: float, high: float) -> float:
    found = number(name, default if value is None or value == "" else value)
    if not low <= found <= high:
        raise WeightsInputError(f"{name}: must be between {low:g} and {high:g}")
    return found


def _overall(result: SimulationResult) -> dict[str, Any]:
    return {
        "service_level": result.service_level,
        "asa_seconds": result.asa_seconds,
        "abandonment_rate": result.abandonment_rate,
    }


def _tier_rows(before: SimulationResult, after: SimulationResult) -> list[dict[str, Any]]:
    names = dict.fromkeys([t.tier for t in before.tiers] + [t.tier for t in after.tiers])
    rows = []
    for name in names:
        old = next((t for t in before.tiers if t.tier == name), None)
        new = next((t for t in after.tiers if t.tier == name), None)
        rows.append(
            {
                "tier": name,
                "before": old.service_level if old else None,
                "after": new.service_level if new else None,
                "average_wait_before": old.average_wait if old else None,
                "average_wait_after": new.average_wait if new else None,
            }
        )
    return rows
