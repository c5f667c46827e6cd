"""voice deliveries: who answered a broadcast call, how it ended, and a press of 0

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_by", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("call_status", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("asked_for_person", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("asked_for_person")
        batch_op.drop_column("call_status")
        batch_op.drop_column("answered_by")
