"""Editing the routing weights: the form's fields, their checks, the save.

The form holds every number of a weights file as ``section.key`` (``tiers.gold``,
``aging.points_per_second``); the weights file's own checks validate a new set, and routing
reads saved weights from ``app.services.calls.routing_weights``; ``what_if`` tries new ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import yaml

from app.extensions import db
from app.models import User
from app.services.calls import routing_weights
from app.services.supervision.audit import record
from routing import Weights, WeightsError, parse_weights


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
        found = number(name, value)
        if key:
            tree.setdefault(section, {})[key] = found
        else:
            tree[section] = found
    return yaml.safe_dump(tree, sort_keys=False)


def parse(fields: Mapping[str, Any]) -> tuple[Weights, str]:
    """Weights from the form, and their YAML; WeightsInputError listing every problem."""
    text = to_yaml(fields)
    try:
        return parse_weights(text, source="form"), text
    except WeightsError as exc:
        problems = [p.removeprefix("form:").split(": ", 1)[-1] for p in exc.problems]
        raise WeightsInputError("the weights are not valid", problems) from None


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


def number(name: str, value: Any) -> float:
    """``value`` as a finite number; WeightsInputError naming ``name`` otherwise."""
    try:
        found = float(value)
    except (TypeError, ValueError):
        raise WeightsInputError(f"{name}: must be a number, not {value!r}") from None
    if not math.isfinite(found):
        raise WeightsInputError(f"{name}: must be a finite number")
    return found
