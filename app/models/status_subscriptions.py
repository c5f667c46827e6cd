"""Status subscriptions: a phone number that asked for the status page's updates by text,
for one incident or for every incident, confirmed by replying YES (double opt-in)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, utcnow

# A number holds at most one live subscription per incident, and one to every incident.
LIVE = "state IN ('pending', 'active')"
LIVE_FOR_ONE = f"{LIVE} AND incident_id IS NOT NULL"
LIVE_FOR_ALL = f"{LIVE} AND incident_id IS NULL"
TOKEN_LENGTH = 64


class SubscriptionState(enum.StrEnum):
    """Pending until the number replies YES; active until it unsubscribes or says STOP."""

    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"


class StatusSubscription(Base):
    """One number's subscription to one incident's updates (``incident_id`` set) or to
    every incident's (``incident_id`` None). ``token`` names it in its unsubscribe link."""

    __tablename__ = "status_subscriptions"
    __table_args__ = (
        # NULLs are distinct in a unique index, so each case needs its own.
        Index(
            "ux_status_subscriptions_live_one",
            "phone",
            "incident_id",
            unique=True,
            sqlite_where=text(LIVE_FOR_ONE),
            postgresql_where=text(LIVE_FOR_ONE),
        ),
        Index(
            "ux_status_subscriptions_live_all",
            "phone",
            unique=True,
            sqlite_where=text(LIVE_FOR_ALL),
            postgresql_where=text(LIVE_FOR_ALL),
        ),
        Index("ix_status_subscriptions_phone_state", "phone", "state"),
        Index("ix_status_subscriptions_incident_state", "incident_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))  # E.164, as customers.phone
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    state: Mapped[SubscriptionState] = mapped_column(
        str_enum(SubscriptionState, "subscription_state"), default=SubscriptionState.PENDING
    )
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the YES request was last texted: YES counts for a day after it.
    texted_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
