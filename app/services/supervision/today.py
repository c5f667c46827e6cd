"""Today's figures from the record: calls per 15-minute interval, contacts per agent.

"Today" is the UTC day: the interval boundaries are the same for every queue and every
reader, whatever time zone a queue's hours are kept in. Both queries read one day of rows
through ``ix_interactions_started_today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, extract, func, select
from sqlalchemy.orm import Session

from app.models import Interaction

INTERVAL_MINUTES = 15
INTERVALS = 24 * 60 // INTERVAL_MINUTES
ANSWERED = ("answered", "handled")
ABANDONED = "abandoned"


@dataclass(frozen=True)
class Interval:
    """One 15-minute interval of today's queued calls."""

    index: int
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within: int = 0

    @property
    def start(self) -> str:
        """The interval's start as ``HH:MM`` (UTC)."""
        minutes = self.index * INTERVAL_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    @property
    def service_level(self) -> float | None:
        """Share of answered calls answered within the target; None before any."""
        return self.answered_within / self.answered if self.answered else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        level = self.service_level
        return {
            "start": self.start,
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "service_level": None if level is None else round(level, 4),
        }


def day_start(now: datetime) -> datetime:
    """Midnight UTC of ``now``'s day."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def intervals(session: Session, now: datetime, within_seconds: float) -> list[Interval]:
    """Every interval of today up to ``now``: calls that reached a queue, by arrival."""
    start = day_start(now)
    bucket = _bucket(session, Interaction.started_at).label("bucket")
    answered = Interaction.outcome.in_(ANSWERED)
    speed = Interaction.details["speed_of_answer"].as_float()
    rows = session.execute(
        select(
            bucket,
            func.count(),
            _count(answered),
            _count(Interaction.outcome == ABANDONED),
            _count(and_(answered, speed <= within_seconds)),
        )
        .where(Interaction.started_at >= start, Interaction.started_at < start + timedelta(1))
        .where(Interaction.queue_id.is_not(None))
        .group_by(bucket)
    ).all()
    found = {int(row[0]): Interval(int(row[0]), *map(int, row[1:])) for row in rows}
    last = min(INTERVALS - 1, int((now - start).total_seconds() // (INTERVAL_MINUTES * 60)))
    return [found.get(index, Interval(index)) for index in range(last + 1)]


def handled_by_agent(session: Session, now: datetime) -> dict[int, int]:
    """Contacts each agent took today (calls answered, callbacks, texts), by agent id."""
    start = day_start(now)
    rows = session.execute(
        select(Interaction.agent_id, func.count())
        .where(Interaction.started_at >= start, Interaction.started_at < start + timedelta(1))
        .where(Interaction.agent_id.is_not(None))
        .group_by(Interaction.agent_id)
    )
    return {int(agent_id): int(count) for agent_id, count in rows}


def count_today(session: Session, now: datetime) -> int:
    """Every interaction started today: the benchmark's baseline."""
    start = day_start(now)
    found = session.scalar(
        select(func.count())
        .select_from(Interaction)
        .where(Interaction.started_at >= start, Interaction.started_at < start + timedelta(1))
    )
    return int(found or 0)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _bucket(session: Session, column: Any) -> ColumnElement[int]:
    """The 15-minute interval of the day a UTC time falls in, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        # EXTRACT on a timestamptz reads the session's time zone: pin it to UTC.
        column = func.timezone("UTC", column)
    hour = cast(extract("hour", column), Integer)
    minute = cast(extract("minute", column), Integer)
    return hour * (60 // INTERVAL_MINUTES) + minute // INTERVAL_MINUTES
