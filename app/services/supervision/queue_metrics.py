"""Live queue figures for supervisors: service level, speed of answer, abandonment, agents."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.services.calls import queueing
from app.services.calls.routing_data import queue_configs

SERVICE_LEVEL_TARGET = 0.8


def queue_metrics(hours: int = 24) -> list[dict[str, Any]]:
    """One row per queue (configured or seen live) over the last ``hours``."""
    store = queueing.store()
    names = sorted(set(queue_configs(db.session)) | set(store.queue_names()))
    return [_row(store.stats(name, hours=hours)) for name in names]


def _row(stats: Any) -> dict[str, Any]:
    level = stats.service_level
    return {
        "queue": stats.queue,
        "waiting": stats.waiting,
        "longest_wait_seconds": round(stats.longest_wait, 1),
        "answered": stats.answered,
        "service_level": None if level is None else round(level, 4),
        "service_level_seconds": stats.service_level_seconds,
        "service_level_target": SERVICE_LEVEL_TARGET,
        "meets_target": None if level is None else level >= SERVICE_LEVEL_TARGET,
        "average_speed_of_answer_seconds": _rounded(stats.average_speed_of_answer),
        "average_handle_time_seconds": _rounded(stats.average_handle_time),
        "abandoned": stats.abandoned,
        "abandonment_rate": _rounded(stats.abandonment_rate, 4),
        "overflowed": stats.overflowed,
        "agents": dict(stats.agents),
        "window_hours": stats.window_hours,
    }


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
