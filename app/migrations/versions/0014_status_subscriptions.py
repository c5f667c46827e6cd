"""status subscriptions: the status page's updates by text, confirmed by YES

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 01:32:19.901700

A number asks on /status; the subscription is pending until the number replies YES.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_FOR_ONE = "state IN ('pending', 'active') AND incident_id IS NOT NULL"
LIVE_FOR_ALL = "state IN ('pending', 'active') AND incident_id IS NULL"


def upgrade() -> None:
    op.create_table(
        "status_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "active",
                "ended",
                name="subscription_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("texted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_subscriptions_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscriptions")),
        sa.UniqueConstraint("token", name=op.f("uq_status_subscriptions_token")),
    )
    with op.batch_alter_table("status_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_subscriptions_incident_state", ["incident_id", "state"], unique=False
        )
        batch_op.create_index(
            "ix_status_subscriptions_phone_state", ["phone", "state"], unique=False
        )
        batch_op.create_index(
            "ux_status_subscriptions_live_all",
            ["phone"],
            unique=True,
            sqlite_where=sa.text(LIVE_FOR_ALL),
            postgresql_where=sa.text(LIVE_FOR_ALL),
        )
        batch_op.create_index(
            "ux_status_subscriptions_live_one",
            ["phone", "incident_id"],
            unique=True,
            sqlite_where=sa.text(LIVE_FOR_ONE),
            postgresql_where=sa.text(LIVE_FOR_ONE),
        )


def downgrade() -> None:
    with op.batch_alter_table("status_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_status_subscriptions_live_one",
            sqlite_where=sa.text(LIVE_FOR_ONE),
            postgresql_where=sa.text(LIVE_FOR_ONE),
        )
        batch_op.drop_index(
            "ux_status_subscriptions_live_all",
            sqlite_where=sa.text(LIVE_FOR_ALL),
            postgresql_where=sa.text(LIVE_FOR_ALL),
        )
        batch_op.drop_index("ix_status_subscriptions_phone_state")
        batch_op.drop_index("ix_status_subscriptions_incident_state")

    op.drop_table("status_subscriptions")
