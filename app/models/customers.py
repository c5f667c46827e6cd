"""Customers: who calls and texts us, what they hold with us, and what they are worth."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.consent import ConsentEvent


class Tier(enum.StrEnum):
    """Customer value tier, best first."""

    PLATINUM = "platinum"
    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"


class Customer(Base):
    """A person we serve, known by their phone number in E.164."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="en")
    tier: Mapped[Tier] = mapped_column(str_enum(Tier, "tier"), default=Tier.BRONZE, index=True)
    lifetime_value: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    region: Mapped[str] = mapped_column(String(64), default="", index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Twilio refused the number as invalid (error 21211): nothing is sent to it again.
    phone_invalid_at: Mapped[datetime | None]
    phone_invalid_code: Mapped[int | None]

    accounts: Mapped[list[Account]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Account.id"
    )
    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="customer", order_by="ConsentEvent.id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Customer {self.id} tier={self.tier}>"


class Account(Base):
    """A service or account a customer holds (a mobile line, broadband, an energy contract)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: a caller's services are read when an incident is open, and broadcasts join here.
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    service: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    service_area: Mapped[str] = mapped_column(String(64), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="accounts")
