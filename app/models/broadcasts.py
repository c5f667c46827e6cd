"""Broadcasts: an incident's message sent by SMS or voice to its affected, consenting
customers and its status subscribers, one delivery row per recipient."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, utcnow


class BroadcastChannel(enum.StrEnum):
    """How the message goes: a text or a call."""

    SMS = "sms"
    VOICE = "voice"


class BroadcastState(enum.StrEnum):
    """Planning (its audience being written by a job), then refused (a recipient's
    rendering broke the script: nothing can be sent) or planned (audience written, nothing
    sent), sending, paused, then done or cancelled."""

    PLANNING = "planning"
    REFUSED = "refused"
    PLANNED = "planned"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


class DeliveryState(enum.StrEnum):
    """One recipient's message: pending, claimed by a worker, sent (Twilio has it),
    delivered, failed, or skipped (not sent, and never will be: opted out meanwhile)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"


class RecipientSource(enum.StrEnum):
    """Why the recipient is in the audience."""

    CUSTOMER = "customer"  # affected by the incident, consenting on the channel
    SUBSCRIBER = "subscriber"  # asked for the incident's updates on /status


class Broadcast(Base):
    """One sending of a message about an incident on one channel."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    channel: Mapped[BroadcastChannel] = mapped_column(
        str_enum(BroadcastChannel, "broadcast_channel")
    )
    # A script of the library by name, or the supervisor's own text.
    script: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[BroadcastState] = mapped_column(
        str_enum(BroadcastState, "broadcast_state"), default=BroadcastState.PLANNED
    )
    # tier_waves (platinum first), all_clear (only those told before, plus subscribers).
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    audience: Mapped[int] = mapped_column(default=0)
    # The script's check once planned, with previews for a few of its recipients (or,
    # refused, the errors their rendering met): ``LintReport.as_dict()``.
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Delivery(Base):
    """One recipient of a broadcast; the number is unique within it (nothing twice)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "phone"),
        # The next pending deliveries of a wave, in order: what a sender claims.
        Index("ix_deliveries_next", "broadcast_id", "state", "wave", "id"),
        Index("ix_deliveries_sid", "sid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))  # E.164, as customers.phone
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    source: Mapped[RecipientSource] = mapped_column(
        str_enum(RecipientSource, "recipient_source"), default=RecipientSource.CUSTOMER
    )
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    wave: Mapped[int] = mapped_column(default=0)
    state: Mapped[DeliveryState] = mapped_column(
        str_enum(DeliveryState, "delivery_state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Quiet hours in the recipient's time zone: not claimed before this (it waits).
    not_before: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    # The text as rendered for this recipient, kept when claimed: what a recovery looks
    # for in Twilio's Messages list, whatever the incident says by then.
    body: Mapped[str | None] = mapped_column(Text)
    sid: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[int | None]
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A call's: who answered (Twilio's AnsweredBy: human, machine_end_beep, fax...), how it
    # ended (its final CallStatus: completed, busy, no-answer...), and whether the person
    # pressed 0 for one of ours.
    answered_by: Mapped[str | None] = mapped_column(String(24))
    call_status: Mapped[str | None] = mapped_column(String(16))
    asked_for_person: Mapped[bool] = mapped_column(default=False)
