"""Queues: where contacts wait for an agent, with the rules for waiting too long."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base


class Queue(Base):
    """A named queue of contacts, served by agents with its required skills."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    max_wait_seconds: Mapped[int] = mapped_column(default=300)
    overflow_queue_id: Mapped[int | None] = mapped_column(
        ForeignKey("queues.id", ondelete="SET NULL")
    )
    # {"mon": [["08:00", "20:00"]], ...}; a day left out is closed.
    business_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    overflow_queue: Mapped[Queue | None] = relationship(remote_side="Queue.id")
