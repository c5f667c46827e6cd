"""The staffing calculator behind the supervisor's form: ``helpline staffing`` as data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.services.supervision.floor import FloorError
from routing.staffing import Load, StaffingError, Target, agents_needed, staff, staffing_table

FIELDS = ("calls_per_hour", "aht", "target", "within", "agents")
DEFAULTS = {"target": "0.8", "within": "20"}


def calculate(form: Mapping[str, Any]) -> dict[str, Any]:
    """Erlang C figures for the form's load: a table around the need, or one head count."""
    try:
        load = Load(_number(form, "calls_per_hour"), _number(form, "aht"))
        goal = Target(service_level=_number(form, "target"), within_seconds=_number(form, "within"))
        agents = str(form.get("agents") or "").strip()
        if agents:
            rows = [staff(load, _count(agents), goal.within_seconds)]
            needed = agents_needed(load, goal)
        else:
            table = staffing_table(load, goal, before=3, after=2)
            rows, needed = list(table.rows), table.needed
    except StaffingError as exc:
        raise FloorError(str(exc)) from None
    return {
        "intensity_erlangs": round(load.intensity, 2),
        "agents_needed": needed,
        "target": goal.service_level,
        "within_seconds": goal.within_seconds,
        "rows": [
            {**row.to_dict(), "meets_target": goal.met_by(row), "recommended": row.agents == needed}
            for row in rows
        ],
    }


def _number(form: Mapping[str, Any], name: str) -> float:
    raw = form.get(name)
    raw = DEFAULTS.get(name) if raw in (None, "") else raw
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FloorError(f"{name}: give a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FloorError(f"{name}: give a finite number")
    return value


def _count(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise FloorError("agents: give a whole number of at least 1")
    return int(raw)
