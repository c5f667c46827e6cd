"""webhook values fit: room for SIP and client callers, replayed steps recorded once

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Where a caller's address lands: Twilio sends SIP URIs and client identities there too.
ADDRESSES = (("interactions", "from_number"), ("interactions", "to_number"), ("tasks", "phone"))
NARROW, WIDE = 32, 255


def upgrade() -> None:
    for table, column in ADDRESSES:
        _resize(table, column, WIDE)
    op.add_column(
        "call_steps", sa.Column("step", sa.String(length=16), server_default="", nullable=False)
    )
    op.add_column("call_steps", sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    # Rows recorded before replays were recognized: each one its own key.
    op.execute("UPDATE call_steps SET seq = id")
    op.create_index(
        "uq_call_steps_replay", "call_steps", ["interaction_id", "step", "seq"], unique=True
    )
    op.drop_index("ix_call_steps_interaction_id", table_name="call_steps")


def downgrade() -> None:
    op.create_index("ix_call_steps_interaction_id", "call_steps", ["interaction_id"])
    op.drop_index("uq_call_steps_replay", table_name="call_steps")
    with op.batch_alter_table("call_steps") as batch_op:  # nothing references call_steps
        batch_op.drop_column("seq")
        batch_op.drop_column("step")
    for table, column in ADDRESSES:
        _resize(table, column, NARROW)


def _resize(table: str, column: str, length: int) -> None:
    """Give ``table.column`` the type VARCHAR(``length``), cutting longer values."""
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            table,
            column,
            type_=sa.String(length=length),
            existing_nullable=False,
            postgresql_using=f"left({column}, {length})",
        )
        return
    # SQLite changes a type only by rebuilding the table, and dropping the old
    # `interactions` with foreign keys on deletes every call step (ON DELETE CASCADE).
    # A new column that takes the old one's place keeps every row where it is.
    resized = f"{column}_resized"
    op.execute(f"ALTER TABLE {table} ADD COLUMN {resized} VARCHAR({length}) NOT NULL DEFAULT ''")
    op.execute(f"UPDATE {table} SET {resized} = substr({column}, 1, {length})")
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute(f"ALTER TABLE {table} RENAME COLUMN {resized} TO {column}")
