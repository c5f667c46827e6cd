"""What the IVR knows of incidents: whether one touches the caller, and its current message.

Every call asks, so the open incidents are read at most once a second per process (as
the closed switches are). With the database down they read as none, and the menus go on:
an outage notice is never worth a caller not reaching a person.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, Incident, IncidentState, Severity
from app.services.calls.kb_speech import speakable
from app.services.incidents.lifecycle import LANGUAGES, Scope, latest_public, listed, message_in
from ivr_flows import Caller

log = logging.getLogger(__name__)

CACHE_SECONDS = 1.0
_CACHE = "incidents.open"
_SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


@dataclass(frozen=True)
class OpenIncident:
    """An open incident as a call needs it: whom it touches, what callers are told."""

    id: int
    severity: Severity
    scope: Scope
    messages: Mapping[str, str]  # language -> the current public update, as spoken

    def touches(self, region: str | None, accounts: Iterable[tuple[str, str]]) -> bool:
        """Whether a caller of ``region`` holding ``accounts`` is affected (``Scope.touches``)."""
        return self.scope.touches(region, accounts)


def open_incidents(session: Session) -> tuple[OpenIncident, ...]:
    """The open incidents, most severe then newest first (cached a second per process)."""
    cached = current_app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        found: tuple[OpenIncident, ...] = cached[1]
        return found
    try:
        found = tuple(_read(session))
    except Exception as exc:  # the database down must not stop the menu
        session.rollback()
        log.warning("open incidents unavailable (%s); calls hear none", type(exc).__name__)
        found = ()
    current_app.extensions[_CACHE] = (now, found)
    return found


def forget() -> None:
    """Drop this process's cached incidents (after a change made here)."""
    current_app.extensions.pop(_CACHE, None)


def affecting(
    incidents: Iterable[OpenIncident],
    region: str | None,
    accounts: Iterable[tuple[str, str]] = (),
) -> OpenIncident | None:
    """The incident a caller hears of: the first (most severe, newest) that touches them."""
    held = tuple(accounts)
    for incident in incidents:
        if incident.touches(region, held):
            return incident
    return None


def touching(session: Session, caller: Caller) -> OpenIncident | None:
    """The open incident a caller hears of, if any (their region counts if we know them)."""
    region = caller.region if caller.known else None
    return affecting(open_incidents(session), region, caller.accounts)


def holdings(session: Session, customer_id: int) -> tuple[tuple[str, str], ...]:
    """(service, service area) of each of the customer's active accounts."""
    rows = session.execute(
        select(Account.service, Account.service_area).where(
            Account.customer_id == customer_id, Account.status == "active"
        )
    ).all()
    return tuple(dict.fromkeys((str(s), str(a or "")) for s, a in rows))


def _read(session: Session) -> list[OpenIncident]:
    incidents = listed(session, open_only=True)
    ordered = sorted(incidents, key=lambda i: (_SEVERITY_ORDER[i.severity], -i.id))
    return [_open(incident) for incident in ordered if incident.state != IncidentState.RESOLVED]


def _open(incident: Incident) -> OpenIncident:
    update = latest_public(incident)
    messages: dict[str, str] = {}
    if update is not None:
        for language in LANGUAGES:
            text = message_in(update, language)
            if text:
                messages[language] = speakable(text)
    return OpenIncident(incident.id, incident.severity, Scope.of_incident(incident), messages)
