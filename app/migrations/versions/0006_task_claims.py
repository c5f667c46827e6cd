"""tasks: the agent who claimed a task from the console's task list

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 18:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_agent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_tasks_claimed_by_agent_id_agents",
            "agents",
            ["claimed_by_agent_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint("fk_tasks_claimed_by_agent_id_agents", type_="foreignkey")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_agent_id")
