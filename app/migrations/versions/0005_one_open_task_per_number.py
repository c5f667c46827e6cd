"""tasks: one open task per number, refusals of a moment forgotten, given-up calls noted

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000

Before the unique index can exist, the duplicates already stored are resolved: the oldest
open task of a number is kept, the others' recordings and notes are folded into it, and
they are closed with a note naming it, so nothing is lost. A message kept while a limit was
reached or Redis was down was refused for good; it goes to agents now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status = 'open'"
TO_QUEUE = "status = 'open' AND callback_refused = '' AND given_up_at IS NULL"
PASSING = ("number_limit", "hourly_limit", "unavailable")  # a limit, or Redis down

TASKS = sa.table(
    "tasks",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("phone", sa.String),
    sa.column("customer_id", sa.Integer),
    sa.column("interaction_id", sa.Integer),
    sa.column("recording_url", sa.String),
    sa.column("recording_seconds", sa.Integer),
    sa.column("notes", sa.Text),
    sa.column("callback_refused", sa.String),
    sa.column("closed_at", app.models.base.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("given_up_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    connection = op.get_bind()
    _forget_passing_refusals(connection)
    _merge_open_duplicates(connection)
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_phone_status")
        batch_op.create_index(
            "ux_tasks_open_phone",
            ["phone"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.create_index(
            "ix_tasks_to_queue",
            ["id"],
            unique=False,
            sqlite_where=sa.text(TO_QUEUE),
            postgresql_where=sa.text(TO_QUEUE),
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_to_queue")
        batch_op.drop_index("ux_tasks_open_phone")
        batch_op.create_index("ix_tasks_phone_status", ["phone", "status"], unique=False)
        batch_op.drop_column("given_up_at")


def _forget_passing_refusals(connection: sa.Connection) -> None:
    """Open messages refused only by a limit or Redis being down reach agents now."""
    found = connection.execute(
        sa.select(TASKS.c.id, TASKS.c.notes, TASKS.c.callback_refused).where(
            TASKS.c.status == "open", TASKS.c.callback_refused.in_(PASSING)
        )
    ).all()
    for task_id, notes, refused in found:
        note = f"Left while callbacks were refused ({refused}): in line for an agent now."
        connection.execute(
            sa.update(TASKS)
            .where(TASKS.c.id == task_id)
            .values(callback_refused="", notes=_with(notes, note))
        )


def _merge_open_duplicates(connection: sa.Connection) -> None:
    """Keep each number's oldest open task; fold the others into it, then close them."""
    numbers = (
        sa.select(TASKS.c.phone)
        .where(TASKS.c.status == "open")
        .group_by(TASKS.c.phone)
        .having(sa.func.count() > 1)
    )
    rows = connection.execute(
        sa.select(TASKS)
        .where(TASKS.c.status == "open", TASKS.c.phone.in_(numbers))
        .order_by(TASKS.c.phone, TASKS.c.id)
    ).mappings()
    now = datetime.now(UTC)
    for _, group in groupby(rows, key=lambda row: row["phone"]):
        kept, *others = [dict(row) for row in group]
        for other in others:
            _fold(kept, other)
            closing = f"Closed: a second open task for this number, merged into task {kept['id']}."
            connection.execute(
                sa.update(TASKS)
                .where(TASKS.c.id == other["id"])
                .values(status="done", closed_at=now, notes=_with(other["notes"], closing))
            )
        merged = ", ".join(str(other["id"]) for other in others)
        kept["notes"] = _with(kept["notes"], f"Tasks {merged} merged into this one.")
        connection.execute(
            sa.update(TASKS)
            .where(TASKS.c.id == kept["id"])
            .values({key: value for key, value in kept.items() if key != "id"})
        )


def _fold(kept: dict[str, Any], other: dict[str, Any]) -> None:
    """Another open task of the same number goes into ``kept``: its message and notes."""
    url, seconds = other["recording_url"], other["recording_seconds"]
    if url and not kept["recording_url"]:
        kept.update(kind="voicemail", recording_url=url, recording_seconds=seconds)
    elif url and url != kept["recording_url"]:
        kept["notes"] = _with(kept["notes"], f"Another message ({seconds} s): {url}")
    if other["notes"]:
        kept["notes"] = _with(kept["notes"], f"From task {other['id']}: {other['notes']}")
    for key in ("customer_id", "interaction_id"):
        kept[key] = kept[key] or other[key]
    if not other["callback_refused"]:  # the policy allowed it then: it checks again on calling
        kept["callback_refused"] = ""


def _with(notes: str, line: str) -> str:
    return f"{notes}\n{line}".strip()
