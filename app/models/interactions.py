"""Interactions: every touchpoint with a customer, the raw material of the 360° view."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import ADDRESS_LENGTH, Base, str_enum, utcnow


class InteractionChannel(enum.StrEnum):
    """How the customer and we met."""

    VOICE = "voice"
    SMS = "sms"
    WEB = "web"


class Direction(enum.StrEnum):
    """Who started the touchpoint."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Interaction(Base):
    """One call, text thread, callback or notice, from start to wrap-up."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_customer_started", "customer_id", "started_at"),
        Index("ix_interactions_agent_started", "agent_id", "started_at"),
        # The supervisor's figures for today (app.services.supervision.today).
        Index("ix_interactions_started_today", "started_at", "queue_id", "outcome", "agent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    channel: Mapped[InteractionChannel] = mapped_column(
        str_enum(InteractionChannel, "interaction_channel")
    )
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "direction"))
    # Twilio's CallSid or MessageSid: replayed webhooks find the interaction they belong to.
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    to_number: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(32), default="")
    wrap_up_code: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Where the caller went and why: IVR steps, routing traces. Free-form but JSON.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
