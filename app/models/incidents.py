"""Incidents: a service failure, whom it touches (regions, services, service areas), and
the timeline of public updates and internal notes that tells its story."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, str_enum, utcnow

TITLE_LENGTH = 200
SCOPE_LENGTH = 64  # as a customer's region and an account's service and service area


class Severity(enum.StrEnum):
    """How bad: minor (some customers bothered), major (many), critical (service down)."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class IncidentState(enum.StrEnum):
    """Statuspage's lifecycle: investigating, identified, monitoring, then resolved."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class ScopeKind(enum.StrEnum):
    """What an incident's scope names: a customer's region, an account's service, or an
    account's service area."""

    REGION = "region"
    SERVICE = "service"
    SERVICE_AREA = "service_area"


class Incident(Base):
    """One incident; ``state`` is its latest update's."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_state_opened", "state", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    severity: Mapped[Severity] = mapped_column(
        str_enum(Severity, "incident_severity"), default=Severity.MAJOR
    )
    state: Mapped[IncidentState] = mapped_column(
        str_enum(IncidentState, "incident_state"), default=IncidentState.INVESTIGATING
    )
    opened_by: Mapped[str] = mapped_column(String(120), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    scopes: Mapped[list[IncidentScope]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentScope.id"
    )
    updates: Mapped[list[IncidentUpdate]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentUpdate.id"
    )


class IncidentScope(Base):
    """One region, service or service area the incident touches."""

    __tablename__ = "incident_scopes"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "value"),
        Index("ix_incident_scopes_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[ScopeKind] = mapped_column(str_enum(ScopeKind, "incident_scope_kind"))
    value: Mapped[str] = mapped_column(String(SCOPE_LENGTH))

    incident: Mapped[Incident] = relationship(back_populates="scopes")


class IncidentUpdate(Base):
    """An entry of the timeline: a public update (what customers read and hear) or an
    internal note (staff only). ``translations`` holds the same text in other languages."""

    __tablename__ = "incident_updates"
    __table_args__ = (Index("ix_incident_updates_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    state: Mapped[IncidentState] = mapped_column(str_enum(IncidentState, "incident_state"))
    public: Mapped[bool] = mapped_column(default=True)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author: Mapped[str] = mapped_column(String(120), default="")
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="updates")
