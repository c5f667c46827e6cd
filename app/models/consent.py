"""Consent: an append-only history of what each customer agreed to be contacted about."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.customers import Customer


class Channel(enum.StrEnum):
    """A way we reach a customer."""

    SMS = "sms"
    VOICE = "voice"


class Purpose(enum.StrEnum):
    """Why we would contact a customer."""

    SERVICE_NOTICES = "service_notices"
    MARKETING = "marketing"


class ConsentSource(enum.StrEnum):
    """Where a consent decision came from."""

    KEYWORD = "keyword"
    WEB = "web"
    AGENT = "agent"
    IMPORT = "import"
    CARRIER_ERROR = "carrier_error"


class ConsentEvent(Base):
    """One opt-in or opt-out. Never updated or deleted: the latest event per
    (customer, channel, purpose) is the customer's current choice."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_lookup", "customer_id", "channel", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose, "purpose"))
    opted_in: Mapped[bool]
    source: Mapped[ConsentSource] = mapped_column(str_enum(ConsentSource, "consent_source"))
    detail: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="consent_events")


class ConsentIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove recorded consent."""


@event.listens_for(ConsentEvent, "before_update")
@event.listens_for(ConsentEvent, "before_delete")
def _refuse_rewrite(_mapper: Any, _connection: Any, target: ConsentEvent) -> None:
    raise ConsentIsAppendOnly(
        f"consent event {target.id} is history: record a new event instead of changing it"
    )
