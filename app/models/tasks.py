"""Tasks: work a human must do and close, such as a callback or a voicemail to return."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import ADDRESS_LENGTH, Base, str_enum, utcnow


class TaskKind(enum.StrEnum):
    """Why a person must call the customer back."""

    CALLBACK = "callback"
    VOICEMAIL = "voicemail"


class TaskStatus(enum.StrEnum):
    """Whether the task still waits for an agent."""

    OPEN = "open"
    DONE = "done"


# An open task: at most one per number (requests from several processes at once included).
OPEN = "status = 'open'"
# An open task the offer sweep may put in line: its number not refused, its calls not given
# up. Written the same in the index and in the sweep's query, so both databases use it.
TO_QUEUE = "status = 'open' AND callback_refused = '' AND given_up_at IS NULL"
TO_QUEUE_INDEX = "ix_tasks_to_queue"


class Task(Base):
    """A guaranteed callback: it stays open until an agent closes it."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_status_queue", "status", "queue"),
        Index(
            "ux_tasks_open_phone",
            "phone",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        Index(TO_QUEUE_INDEX, "id", sqlite_where=text(TO_QUEUE), postgresql_where=text(TO_QUEUE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TaskKind] = mapped_column(str_enum(TaskKind, "task_kind"))
    status: Mapped[TaskStatus] = mapped_column(
        str_enum(TaskStatus, "task_status"), default=TaskStatus.OPEN
    )
    queue: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    language: Mapped[str] = mapped_column(String(8), default="en")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    # The CallSid that asked for it: a replayed webhook does not create a second task.
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    recording_url: Mapped[str] = mapped_column(String(500), default="")
    recording_seconds: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why the callback policy will not call this number back (such as "number_type"), or
    # "" when it may: such a task is a message for a person to listen to, never dialed.
    # Only refusals of the number itself are kept: a limit reached is not the number's.
    callback_refused: Mapped[str] = mapped_column(String(24), default="", server_default="")
    # When its customer went unanswered after every call: the sweep leaves it to a person
    # until the number asks again.
    given_up_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )
    # The agent who took the task from the console's task list: theirs to call back or
    # close; the offer sweep leaves it to them.
    claimed_by_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )
    claimed_at: Mapped[datetime | None]
