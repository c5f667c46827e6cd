"""Editing the routing weights: the form's fields, a what-if run of the simulator, the save.

The form holds every number of a weights file as ``section.key`` (``tiers.gold``,
``aging.points_per_second``); the weights file's own checks validate a new set, and routing
reads saved weights from ``app.services.calls.routing_weights``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import yaml
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Interaction, User, utcnow
from app.services.calls import routing_weights
from app.services.supervision.audit import record
from routing import Weights, WeightsError, parse_weights
from routing.simulator import HistoryMix, Scenario, SimulationError, simulate

DEFAULT_TIERS = {"platinum": 0.05, "gold": 0.15, "silver": 0.30, "bronze": 0.50}
HISTORY_DAYS = 7


class WeightsInputError(ValueError):
    """Weights or what-if settings that cannot be used; ``problems`` says why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def as_fields(weights: Weights) -> dict[str, float]:
    """Every number of ``weights`` by its ``section.key`` name, in the file's order."""
    fields = {f"tiers.{name}": points for name, points in weights.tiers.items()}
    fields.update(
        {
            "unknown_caller": weights.unknown_caller,
            "lifetime_value.unit": weights.lifetime_value_unit,
            "lifetime_value.points_per_unit": weights.lifetime_value.per,
            "lifetime_value.cap": weights.lifetime_value.cap,
            "contacts_24h.points_per_contact": weights.contacts_24h.per,
            "contacts_24h.cap": weights.contacts_24h.cap,
            "contacts_7d.points_per_contact": weights.contacts_7d.per,
            "contacts_7d.cap": weights.contacts_7d.cap,
            "open_cases.points_per_case": weights.open_cases.per,
            "open_cases.cap": weights.open_cases.cap,
            "recent_bad_outcome": weights.recent_bad_outcome,
            "priority_hint.multiplier": weights.priority_hint.per,
            "priority_hint.cap": weights.priority_hint.cap,
            "aging.points_per_second": weights.aging_per_second,
            "sticky.wait_seconds": weights.sticky_wait_seconds,
            "sticky.window_days": weights.sticky_window_days,
            "service_level.threshold_seconds": weights.service_level_seconds,
            "service_level.target": weights.service_level_target,
        }
    )
    return fields


def current() -> dict[str, Any]:
    """The weights in force, and whether a supervisor saved them."""
    return {
        "fields": as_fields(routing_weights.in_force()),
        "saved": routing_weights.saved_text() is not None,
    }


def to_yaml(fields: Mapping[str, Any]) -> str:
    """The weights file that ``fields`` describe (numbers checked by ``parse_weights``)."""
    tree: dict[str, Any] = {}
    for name, value in fields.items():
        section, _, key = str(name).partition(".")
        number = _number(name, value)
        if key:
            tree.setdefault(section, {})[key] = number
        else:
            tree[section] = number
    return yaml.safe_dump(tree, sort_keys=False)


def parse(fields: Mapping[str, Any]) -> tuple[Weights, str]:
    """Weights from the form, and their YAML; WeightsInputError listing every problem."""
    text = to_yaml(fields)
    try:
        return parse_weights(text, source="form"), text
    except WeightsError as exc:
        problems = [p.removeprefix("form:").split(": ", 1)[-1] for p in exc.problems]
        raise WeightsInputError("the weights are not valid", problems) from None


def what_if(fields: Mapping[str, Any], load: Mapping[str, Any]) -> dict[str, Any]:
    """The same generated callers routed by the weights in force and by ``fields``."""
    proposed, _ = parse(fields)
    scenario = _scenario(load)
    before = simulate(scenario, routing_weights.in_force())
    after = simulate(scenario, proposed)
    return {
        "scenario": {
            "calls_per_hour": scenario.calls_per_hour,
            "aht_seconds": scenario.aht_seconds,
            "agents": scenario.agent_count,
            "hours": scenario.hours,
            "tiers": dict(scenario.tiers),
        },
        "tiers": _tier_rows(before, after),
        "before": _overall(before),
        "after": _overall(after),
    }


def save(user: User, fields: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """Put ``fields`` in force for every process; audited with the old and new numbers."""
    if not reason.strip():
        raise WeightsInputError("say why the weights change")
    weights, text = parse(fields)
    old = as_fields(routing_weights.in_force())
    routing_weights.save(text)
    new = as_fields(weights)
    changed = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
    record(user, "weights.save", "routing weights", reason, changed=changed, weights=new)
    db.session.commit()
    return {"fields": new, "saved": True, "changed": changed}


def recent_tier_mix() -> dict[str, float]:
    """Shares of tiers among the last week's queued callers; the usual mix without history."""
    since = utcnow() - timedelta(days=HISTORY_DAYS)
    rows = db.session.execute(
        select(Customer.tier, func.count())
        .select_from(Interaction)
        .join(Customer, Customer.id == Interaction.customer_id)
        .where(Interaction.started_at >= since, Interaction.queue_id.is_not(None))
        .group_by(Customer.tier)
    ).all()
    total = sum(count for _, count in rows)
    if not total:
        return dict(DEFAULT_TIERS)
    return {tier.value: count / total for tier, count in rows}


def _scenario(load: Mapping[str, Any]) -> Scenario:
    try:
        return Scenario(
            calls_per_hour=_number("calls_per_hour", load.get("calls_per_hour", 60)),
            aht_seconds=_number("aht_seconds", load.get("aht_seconds", 300)),
            agents=int(_number("agents", load.get("agents", 6))),
            hours=min(24.0, _number("hours", load.get("hours", 8))),
            patience_seconds=_number("patience_seconds", load.get("patience_seconds", 120)),
            tiers=recent_tier_mix(),
            history=HistoryMix(open_case=0.1, repeat=0.15, returning=0.1),
            seed=1,
        )
    except SimulationError as exc:
        raise WeightsInputError(str(exc), list(getattr(exc, "problems", []))) from None


def _number(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise WeightsInputError(f"{name}: must be a number, not {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise WeightsInputError(f"{name}: must be a finite number")
    return number


def _overall(result: Any) -> dict[str, Any]:
    return {
        "service_level": result.service_level,
        "asa_seconds": result.asa_seconds,
        "abandonment_rate": result.abandonment_rate,
    }


def _tier_rows(before: Any, after: Any) -> list[dict[str, Any]]:
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
