"""The demo's incidents: one open (broadband down in Boston, as callers from there hear it)
and one resolved last week, each with its timeline, as a supervisor would have written it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Incident, IncidentScope, IncidentState, IncidentUpdate, ScopeKind, Severity

OPENED_BY = "Sam Rivera"


def load_incidents(session: Session, now: datetime) -> int:
    """Add the demo incidents unless there are incidents already; how many were added."""
    if session.scalar(select(func.count()).select_from(Incident)):
        return 0
    session.add_all([_past(now), _open(now)])
    return 2


def _open(now: datetime) -> Incident:
    opened = now - timedelta(minutes=95)
    incident = Incident(
        title="Broadband outage in Boston",
        severity=Severity.MAJOR,
        state=IncidentState.IDENTIFIED,
        opened_by=OPENED_BY,
        opened_at=opened,
        updated_at=now - timedelta(minutes=20),
    )
    incident.scopes = [
        IncidentScope(kind=ScopeKind.SERVICE, value="broadband"),
        IncidentScope(kind=ScopeKind.SERVICE_AREA, value="Boston"),
    ]
    incident.updates = [
        _update(
            opened,
            IncidentState.INVESTIGATING,
            "Some customers in Boston have no broadband. We are sorry, and we are looking "
            "into it now. Mobile data still works. We will update you within the hour.",
            "Algunos clientes de Boston no tienen internet. Lo sentimos; ya lo estamos "
            "revisando. Los datos móviles funcionan. Le informaremos en menos de una hora.",
        ),
        _update(
            now - timedelta(minutes=60),
            IncidentState.IDENTIFIED,
            "Crew 7: the cut is under Beacon Street, splice kit on the way.",
            public=False,
        ),
        _update(
            now - timedelta(minutes=20),
            IncidentState.IDENTIFIED,
            "A fibre cable was cut by roadworks on Beacon Street. Our crew is repairing it, "
            "and we expect service back by 6 pm. We are sorry for the trouble. You do not "
            "need to report it; press 0 if you need a person.",
            "Unas obras cortaron un cable de fibra en Beacon Street. Nuestro equipo lo está "
            "reparando y esperamos el servicio antes de las 6 de la tarde. Disculpe las "
            "molestias. No necesita reportarlo; oprima 0 si necesita a una persona.",
        ),
    ]
    return incident


def _past(now: datetime) -> Incident:
    opened = now - timedelta(days=6, hours=3)
    resolved = opened + timedelta(hours=2, minutes=10)
    incident = Incident(
        title="Slow mobile data in Houston",
        severity=Severity.MINOR,
        state=IncidentState.RESOLVED,
        opened_by=OPENED_BY,
        opened_at=opened,
        updated_at=resolved,
        resolved_at=resolved,
    )
    incident.scopes = [
        IncidentScope(kind=ScopeKind.SERVICE, value="mobile"),
        IncidentScope(kind=ScopeKind.SERVICE_AREA, value="Houston"),
    ]
    incident.updates = [
        _update(
            opened,
            IncidentState.INVESTIGATING,
            "Mobile data is slow for some customers in Houston. Calls and texts work. We are "
            "looking into it.",
        ),
        _update(
            resolved,
            IncidentState.RESOLVED,
            "Mobile data is back to full speed in Houston. A faulty router at one mast was "
            "replaced. Thank you for your patience.",
            "Los datos móviles vuelven a ir a toda velocidad en Houston. Gracias por su paciencia.",
        ),
    ]
    return incident


def _update(
    at: datetime, state: IncidentState, body: str, spanish: str = "", public: bool = True
) -> IncidentUpdate:
    return IncidentUpdate(
        state=state,
        public=public,
        body=body,
        translations={"es": spanish} if spanish else {},
        author=OPENED_BY,
        posted_at=at,
    )
