"""Settled 15-minute intervals of the day: the supervisor's "today" figures, kept once final.

An interval's figures come from the interactions that arrived in it; once no caller of it
can still be waiting, they never change again and are kept here, so the dashboard reads a
few dozen rows instead of the whole day's record every few seconds.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class IntervalStat(Base):
    """One settled interval: offered, answered, abandoned, answered within a target."""

    __tablename__ = "interval_stats"
    __table_args__ = (
        # The same interval settled under another service-level target is another row.
        UniqueConstraint("day", "slot", "within_seconds", name="uq_interval_stats_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    slot: Mapped[int]  # the interval of the day, 0 = 00:00-00:15 UTC
    within_seconds: Mapped[float] = mapped_column(Float)
    offered: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
    answered_within: Mapped[int] = mapped_column(default=0)
    settled_at: Mapped[datetime] = mapped_column(default=utcnow)
