"""The public status page's view of incidents: what is wrong now, each service's state,
and what went wrong in the last 90 days. Public updates only: internal notes never leave
the staff's pages."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Account, Incident, IncidentState, Severity, utcnow
from app.services.incidents.lifecycle import Scope, get, listed, message_in, public_updates

PAST_DAYS = 90
PAGE_SIZE = 10
OPERATIONAL = "operational"
# A service's state, by the worst severity of the open incidents that touch it.
WORDING = {
    Severity.MINOR: "minor disruption",
    Severity.MAJOR: "major outage",
    Severity.CRITICAL: "full outage",
}
_WORST_FIRST = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


@dataclass(frozen=True)
class UpdateView:
    """A public update as the page shows it; ``spanish`` is its Spanish text, if any."""

    state: IncidentState
    posted_at: datetime
    body: str
    language: str
    spanish: str | None


@dataclass(frozen=True)
class IncidentView:
    """An incident as the public reads it: its public updates newest first."""

    id: int
    title: str
    severity: Severity
    state: IncidentState
    opened_at: datetime
    resolved_at: datetime | None
    updates: tuple[UpdateView, ...]


@dataclass(frozen=True)
class ServiceView:
    """A service and its state: operational, or the worst open incident's wording."""

    name: str
    severity: Severity | None

    @property
    def wording(self) -> str:
        return WORDING[self.severity] if self.severity else OPERATIONAL


@dataclass(frozen=True)
class PastPage:
    """Incidents resolved in the last 90 days, newest first, one page of them."""

    incidents: tuple[IncidentView, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class StatusPage:
    """Everything ``/status`` shows."""

    open: tuple[IncidentView, ...]
    services: tuple[ServiceView, ...]
    past: PastPage


def status_page(session: Session, page: int = 1, now: datetime | None = None) -> StatusPage:
    """The open incidents, every service's state, and a page of past incidents."""
    current = [i for i in listed(session, open_only=True) if i.state != IncidentState.RESOLVED]
    services = service_states(_account_services(session), current)
    return StatusPage(
        tuple(incident_view(i) for i in current),
        tuple(services),
        past_incidents(session, page, now or utcnow()),
    )


def incident_page(session: Session, incident_id: int) -> IncidentView:
    """One incident with its public updates; ``NoSuchIncident`` if there is none."""
    return incident_view(get(session, incident_id))


def service_states(
    services: Iterable[str], open_incidents: Sequence[Incident]
) -> list[ServiceView]:
    """Each service (those given, and any an open incident names), alphabetically, with the
    worst severity of the open incidents that name it or touch everyone."""
    scopes = [(Scope.of_incident(i), i.severity) for i in open_incidents]
    names = set(services) | {name for scope, _ in scopes for name in scope.services}
    views = []
    for name in sorted(names, key=str.casefold):
        severities = {s for scope, s in scopes if scope.everyone or name in scope.services}
        worst = next((s for s in _WORST_FIRST if s in severities), None)
        views.append(ServiceView(name, worst))
    return views


def past_incidents(session: Session, page: int, now: datetime) -> PastPage:
    """Incidents resolved in the last ``PAST_DAYS`` days, ``PAGE_SIZE`` a page."""
    since = Incident.resolved_at >= now - timedelta(days=PAST_DAYS)
    resolved = Incident.state == IncidentState.RESOLVED
    total = session.scalar(select(func.count(Incident.id)).where(resolved, since)) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    found = session.scalars(
        select(Incident)
        .where(resolved, since)
        .options(selectinload(Incident.updates))
        .order_by(Incident.resolved_at.desc(), Incident.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return PastPage(tuple(incident_view(i) for i in found), page, pages, total)


def incident_view(incident: Incident) -> IncidentView:
    """The incident without its internal notes."""
    return IncidentView(
        id=incident.id,
        title=incident.title,
        severity=incident.severity,
        state=incident.state,
        opened_at=incident.opened_at,
        resolved_at=incident.resolved_at,
        updates=tuple(
            UpdateView(
                state=u.state,
                posted_at=u.posted_at,
                body=u.body,
                language=u.language,
                spanish=message_in(u, "es") if u.language != "es" else None,
            )
            for u in public_updates(incident)
        ),
    )


def _account_services(session: Session) -> list[str]:
    return [
        name
        for name in session.scalars(select(Account.service).distinct())
        if name and name.strip()
    ]
