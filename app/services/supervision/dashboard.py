"""Everything the supervisor dashboard shows, in one call per part (page and JSON alike)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.extensions import db
from app.services.calls import queueing
from app.services.supervision import (
    audit,
    closed_lines,
    deflection_report,
    floor,
    open_tasks,
    weights_edit,
)
from app.services.supervision.queue_metrics import queue_metrics
from app.services.supervision.today import intervals

PARTS = ("queues", "today", "agents", "switches", "tasks", "weights", "audit", "deflection")


def today(now: datetime | None = None) -> dict[str, Any]:
    """Today's 15-minute intervals (UTC) and their totals."""
    now = now or datetime.now(UTC)
    within = queueing.store().service_level_seconds
    rows = intervals(db.session, now, within)
    totals = {
        key: sum(getattr(r, key) for r in rows) for key in ("offered", "answered", "abandoned")
    }
    answered_within = sum(r.answered_within for r in rows)
    level = answered_within / totals["answered"] if totals["answered"] else None
    return {
        "time_zone": "UTC",
        "within_seconds": within,
        "intervals": [row.to_dict() for row in rows],
        "totals": {**totals, "service_level": None if level is None else round(level, 4)},
    }


def part(name: str, page: int = 1) -> Any:
    """One part of the dashboard by name (see ``PARTS``)."""
    if name == "queues":
        return queue_metrics()
    if name == "today":
        return today()
    if name == "agents":
        return floor.agents()
    if name == "switches":
        return closed_lines.switches()
    if name == "tasks":
        return open_tasks.open_tasks()
    if name == "weights":
        return weights_edit.current()
    if name == "deflection":
        return deflection_report.report(db.session)
    if name == "audit":
        found = audit.latest(page)
        return {"entries": found.entries, "page": found.page, "pages": found.pages}
    raise KeyError(name)


def everything(page: int = 1) -> dict[str, Any]:
    """Every part, for the server-rendered page."""
    return {name: part(name, page) for name in PARTS}
