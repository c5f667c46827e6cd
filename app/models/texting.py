"""Texting: SMS messages, the conversations they make, and the deflections we tried."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import ADDRESS_LENGTH, Base, str_enum, utcnow

QUESTION_LENGTH = 300  # characters of an unanswered question kept


class MessageDirection(enum.StrEnum):
    """Whether the texter wrote it or we did."""

    IN = "in"
    OUT = "out"


class ConversationState(enum.StrEnum):
    """Where a conversation is: with the bot, waiting for an agent, with one, or over."""

    BOT = "bot"
    QUEUED = "queued"
    WITH_AGENT = "with_agent"
    CLOSED = "closed"


class DeflectionOutcome(enum.StrEnum):
    """What became of an answer we gave instead of a person."""

    PENDING = "pending"
    SOLVED = "solved"
    ASKED_PERSON = "asked_person"
    NO_REPLY = "no_reply"
    FALSE_DEFLECTION = "false_deflection"


class DeflectionChannel(enum.StrEnum):
    """Where the question was asked."""

    SMS = "sms"
    VOICE = "voice"


class Conversation(Base):
    """An SMS thread with one number: the bot, then perhaps the queue and an agent."""

    __tablename__ = "conversations"
    __table_args__ = (
        # The open conversation of a number, found on every text.
        Index("ix_conversations_phone_state", "phone", "state"),
        Index("ix_conversations_agent_state", "agent_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    # Our number the texter wrote to: replies go from it.
    our_number: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    state: Mapped[ConversationState] = mapped_column(
        str_enum(ConversationState, "conversation_state"), default=ConversationState.BOT
    )
    language: Mapped[str] = mapped_column(String(8), default="en")
    queue: Mapped[str] = mapped_column(String(64), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    wrap_up_code: Mapped[str] = mapped_column(String(32), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class Message(Base):
    """One SMS, in or out; its MessageSid makes a replayed webhook a no-op."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None until Twilio accepted an outbound message (or when sending failed).
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    direction: Mapped[MessageDirection] = mapped_column(
        str_enum(MessageDirection, "message_direction")
    )
    from_number: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    to_number: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Twilio's MessageStatus (queued ... delivered, undelivered, failed, received, read).
    status: Mapped[str] = mapped_column(String(16), default="")
    error_code: Mapped[int | None]
    segments: Mapped[int] = mapped_column(default=1)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM-7")
    # The agent who wrote an outbound reply; None for the bot.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deflection(Base):
    """An answer given instead of a person, and what the customer made of it."""

    __tablename__ = "deflections"
    __table_args__ = (
        Index("ix_deflections_phone_created", "phone", "created_at"),
        Index("ix_deflections_outcome_created", "outcome", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[DeflectionChannel] = mapped_column(
        str_enum(DeflectionChannel, "deflection_channel")
    )
    phone: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    query_text: Mapped[str] = mapped_column(Text, default="")
    question_id: Mapped[int | None]
    score: Mapped[float] = mapped_column(Float, default=0.0)
    outcome: Mapped[DeflectionOutcome] = mapped_column(
        str_enum(DeflectionOutcome, "deflection_outcome"), default=DeflectionOutcome.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class UnansweredQuestion(Base):
    """A question texted or spoken that the community had no confident answer for: what
    supervisors read as the community's content gaps."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_questions_asked", "asked_at", "query_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[DeflectionChannel] = mapped_column(
        str_enum(DeflectionChannel, "deflection_channel")
    )
    query_text: Mapped[str] = mapped_column(String(QUESTION_LENGTH))
    # The same for the same words in any order, case or marks (``knowledge_base.query_key``).
    query_key: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
