"""Today's figures from the record: calls per 15-minute interval, contacts per agent.

"Today" is the UTC day: the interval boundaries are the same for every queue and every
reader, whatever time zone a queue's hours are kept in. The per-agent query reads one day
of rows through ``ix_interactions_started_today``. The per-interval figures of an interval
nobody can still be waiting from are final: they are counted once and kept in
``interval_stats``, so a dashboard read every few seconds counts only the last hour or so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, extract, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.models import Interaction, IntervalStat, utcnow

INTERVAL_MINUTES = 15
INTERVALS = 24 * 60 // INTERVAL_MINUTES
ANSWERED = ("answered", "handled")
ABANDONED = "abandoned"
STILL_WAITING = ("", "queued")
# An interval this long over, with no call of it in the menus or a queue, is final: a call
# reaches a queue within a few prompts, and a wrap-up changes "answered" only to "handled".
SETTLE_AFTER = timedelta(minutes=20)
# Past this, a call still marked waiting lost its end (its status callback never came).
SETTLE_ANYWAY = timedelta(hours=4)

_STATS = IntervalStat.__table__
_KEEP_PLAIN = insert(_STATS)
_KEEP = {
    name: dialect.insert(_STATS).on_conflict_do_nothing(
        index_elements=["day", "slot", "within_seconds"]
    )
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
log = logging.getLogger(__name__)


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
    """Every interval of today up to ``now``: calls that reached a queue, by arrival.

    Settled intervals are read from ``interval_stats``; only the ones after them are counted
    from the record, and those that have settled since are kept for the next read.
    """
    start = day_start(now)
    last = min(INTERVALS - 1, int((now - start).total_seconds() // (INTERVAL_MINUTES * 60)))
    kept = _settled(session, start, within_seconds)
    first_open = next((index for index in range(last + 1) if index not in kept), last + 1)
    live = (
        _counted(session, _slot_start(start, first_open), start, within_seconds)
        if first_open <= last
        else {}
    )
    settled_now = [
        live.get(index, (Interval(index), 0))[0]
        for index in range(first_open, last + 1)
        if _has_settled(index, live.get(index, (None, 0))[1], start, now)
    ]
    _keep(session, start, within_seconds, settled_now)
    found = {**kept, **{index: counted for index, (counted, _) in live.items()}}
    return [found.get(index, Interval(index)) for index in range(last + 1)]


def _counted(
    session: Session, since: datetime, start: datetime, within_seconds: float
) -> dict[int, tuple[Interval, int]]:
    """Today's intervals from ``since`` on, counted from the record, each with the number
    of its calls still in progress (in the menus or waiting in a queue)."""
    bucket = _bucket(session, Interaction.started_at).label("bucket")
    queued = Interaction.queue_id.is_not(None)
    answered = and_(queued, Interaction.outcome.in_(ANSWERED))
    speed = Interaction.details["speed_of_answer"].as_float()
    # A call still in the menus has no queue yet, and may reach one: it keeps its interval
    # open as a caller waiting in a queue does.
    in_progress = and_(Interaction.outcome.in_(STILL_WAITING), Interaction.ended_at.is_(None))
    rows = session.execute(
        select(
            bucket,
            _count(queued),
            _count(answered),
            _count(and_(queued, Interaction.outcome == ABANDONED)),
            _count(and_(answered, speed <= within_seconds)),
            _count(in_progress),
        )
        .where(Interaction.started_at >= since, Interaction.started_at < start + timedelta(1))
        .group_by(bucket)
    ).all()
    counted = {}
    for row in rows:
        index, figures, in_menus_or_queues = int(row[0]), map(int, row[1:5]), int(row[5])
        counted[index] = (Interval(index, *figures), in_menus_or_queues)
    return counted


def _has_settled(index: int, waiting: int, start: datetime, now: datetime) -> bool:
    """Whether an interval's figures are final: over long enough, and nobody still waits
    (or so long over that a call still marked waiting lost its end, e.g. a status callback)."""
    over_for = now - _slot_start(start, index + 1)
    return over_for >= SETTLE_ANYWAY or (over_for >= SETTLE_AFTER and waiting == 0)


def _settled(session: Session, start: datetime, within_seconds: float) -> dict[int, Interval]:
    rows = session.scalars(
        select(IntervalStat).where(
            IntervalStat.day == start.date(), IntervalStat.within_seconds == within_seconds
        )
    )
    return {
        row.slot: Interval(row.slot, row.offered, row.answered, row.abandoned, row.answered_within)
        for row in rows
    }


def _keep(
    session: Session, start: datetime, within_seconds: float, settled: list[Interval]
) -> None:
    """Keep intervals that have just settled; another process may have kept them first."""
    if not settled:
        return
    rows = [
        {
            "day": start.date(),
            "slot": i.index,
            "within_seconds": within_seconds,
            "offered": i.offered,
            "answered": i.answered,
            "abandoned": i.abandoned,
            "answered_within": i.answered_within,
            "settled_at": utcnow(),
        }
        for i in settled
    ]
    try:
        connection = session.connection()
        connection.execute(_KEEP.get(connection.dialect.name, _KEEP_PLAIN), rows)
        session.commit()
    except SQLAlchemyError as error:  # the figures are right either way; kept next time
        session.rollback()
        log.warning("could not keep settled intervals: %s", error)


def _slot_start(start: datetime, index: int) -> datetime:
    return start + timedelta(minutes=index * INTERVAL_MINUTES)


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
