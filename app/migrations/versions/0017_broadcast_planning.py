"""broadcast planning: a broadcast is planned by a job (state planning, then planned or
refused) and keeps its script's check (previews, or the errors that refused it)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATES = ("planned", "sending", "paused", "cancelled", "done")
NEW_STATES = ("planning", "refused", *OLD_STATES)


def _states(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values, name="broadcast_state", native_enum=False, create_constraint=True, length=24
    )


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report", sa.JSON(), nullable=True))
        batch_op.alter_column("state", existing_type=_states(OLD_STATES), type_=_states(NEW_STATES))


def downgrade() -> None:
    # A broadcast still planning or refused has no place in the old states: cancelled, so
    # that a half-written audience is never sent.
    op.execute("UPDATE broadcasts SET state = 'cancelled' WHERE state IN ('planning', 'refused')")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=_states(NEW_STATES), type_=_states(OLD_STATES))
        batch_op.drop_column("report")
