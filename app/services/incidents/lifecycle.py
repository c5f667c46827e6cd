"""An incident's life: opened (investigating), updated (identified, monitoring), resolved.

Every change adds an entry to the incident's timeline, public (what customers read on
``/status`` and hear in the IVR) or internal (staff only), and one to the audit log, in
the same transaction. A resolved incident takes no more public updates: a new failure is
a new incident (Statuspage's rule too); an internal note may still be added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Incident,
    IncidentScope,
    IncidentState,
    IncidentUpdate,
    ScopeKind,
    Severity,
    User,
    utcnow,
)
from app.models.incidents import SCOPE_LENGTH, TITLE_LENGTH
from app.services.supervision import audit

MOST_UPDATE_CHARACTERS = 5_000
LANGUAGES = ("en", "es")


class IncidentError(ValueError):
    """A request the incident cannot take; the message says why, for the person asking."""

    status = 400


class NoSuchIncident(IncidentError):
    status = 404

    def __init__(self, incident_id: int) -> None:
        super().__init__(f"There is no incident {incident_id}.")


@dataclass(frozen=True)
class Scope:
    """Whom an incident touches: customers of these regions, accounts of these services
    or service areas. Empty everywhere means everyone."""

    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    service_areas: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        regions: Iterable[str] = (),
        services: Iterable[str] = (),
        service_areas: Iterable[str] = (),
    ) -> Scope:
        """A scope from what a person typed: trimmed, deduplicated, checked."""
        return cls(
            _values(regions, "region"),
            _values(services, "service"),
            _values(service_areas, "service area"),
        )

    def rows(self) -> list[tuple[ScopeKind, str]]:
        """(kind, value) for each place named."""
        return [
            *((ScopeKind.REGION, v) for v in self.regions),
            *((ScopeKind.SERVICE, v) for v in self.services),
            *((ScopeKind.SERVICE_AREA, v) for v in self.service_areas),
        ]

    @classmethod
    def of_incident(cls, incident: Incident) -> Scope:
        """The scope an incident holds."""
        named = {kind: [s.value for s in incident.scopes if s.kind is kind] for kind in ScopeKind}
        return cls(
            tuple(named[ScopeKind.REGION]),
            tuple(named[ScopeKind.SERVICE]),
            tuple(named[ScopeKind.SERVICE_AREA]),
        )

    @property
    def everyone(self) -> bool:
        return not (self.regions or self.services or self.service_areas)

    def touches(self, region: str | None, accounts: Iterable[tuple[str, str]]) -> bool:
        """Whether a customer of ``region`` holding ``accounts`` ((service, area) pairs) is
        affected. Each kind named narrows: the region must be one named, and one account
        must be of a service named and in an area named (broadband in Boston is not
        mobile in Boston). Nothing named: everyone."""
        if self.regions and region not in self.regions:
            return False
        if not (self.services or self.service_areas):
            return True
        return any(
            (not self.services or service in self.services)
            and (not self.service_areas or area in self.service_areas)
            for service, area in accounts
        )


def open_incident(
    session: Session,
    title: str,
    scope: Scope,
    severity: str = Severity.MAJOR.value,
    message: str = "",
    by: User | None = None,
) -> Incident:
    """Open an incident (investigating) with its first public update; commits.

    ``message`` is what customers are told first; by default the title."""
    title = _text(title, "title", TITLE_LENGTH)
    level = _severity(severity)
    author = _author(by)
    incident = Incident(title=title, severity=level, opened_by=author)
    incident.scopes = [IncidentScope(kind=kind, value=value) for kind, value in scope.rows()]
    incident.updates = [
        IncidentUpdate(
            state=IncidentState.INVESTIGATING,
            body=_text(message or title, "update", MOST_UPDATE_CHARACTERS),
            author=author,
        )
    ]
    session.add(incident)
    session.flush()
    audit.record(by, "incident.open", _target(incident), severity=level.value, **_scope(scope))
    session.commit()
    return incident


def post_update(
    session: Session,
    incident_id: int,
    body: str,
    state: str | None = None,
    public: bool = True,
    translations: Mapping[str, str] | None = None,
    by: User | None = None,
) -> IncidentUpdate:
    """Add an entry to the timeline, moving the incident to ``state`` if given; commits.

    An internal note (``public=False``) never changes the state. ``translations``: the
    same update in other languages (``{"es": "..."}``), for Spanish callers and texters."""
    incident = get(session, incident_id, lock=True)
    text = _text(body, "update", MOST_UPDATE_CHARACTERS)
    new_state = _state(state) if state else incident.state
    if public and incident.state is IncidentState.RESOLVED:
        raise IncidentError(
            f"Incident {incident.id} is resolved; open a new incident for a new problem."
        )
    if not public and state:
        raise IncidentError("An internal note does not change the incident's state.")
    if new_state is IncidentState.RESOLVED and public:
        return resolve(session, incident_id, text, translations, by)
    update = IncidentUpdate(
        state=new_state,
        public=public,
        body=text,
        translations=_translations(translations),
        author=_author(by),
    )
    incident.updates.append(update)
    if public:
        incident.state = new_state
        incident.updated_at = utcnow()
    action = "incident.update" if public else "incident.note"
    audit.record(by, action, _target(incident), state=new_state.value)
    session.commit()
    return update


def resolve(
    session: Session,
    incident_id: int,
    body: str = "",
    translations: Mapping[str, str] | None = None,
    by: User | None = None,
) -> IncidentUpdate:
    """Resolve the incident with a last public update (by default: resolved); commits.

    Resolving what is resolved already changes nothing and says so."""
    incident = get(session, incident_id, lock=True)
    if incident.state is IncidentState.RESOLVED:
        raise IncidentError(f"Incident {incident.id} is resolved already.")
    text = _text(body or "This incident has been resolved.", "update", MOST_UPDATE_CHARACTERS)
    update = IncidentUpdate(
        state=IncidentState.RESOLVED,
        body=text,
        translations=_translations(translations),
        author=_author(by),
    )
    incident.updates.append(update)
    incident.state = IncidentState.RESOLVED
    incident.updated_at = incident.resolved_at = utcnow()
    audit.record(by, "incident.resolve", _target(incident))
    session.commit()
    return update


def get(session: Session, incident_id: int, lock: bool = False) -> Incident:
    """The incident with its scope and timeline; ``NoSuchIncident`` if there is none.

    ``lock``: for a change; two updates at once are then told apart in order."""
    query = (
        select(Incident)
        .where(Incident.id == incident_id)
        .options(selectinload(Incident.scopes), selectinload(Incident.updates))
    )
    if lock:
        query = query.with_for_update(of=Incident)
    found = session.scalars(query).first()
    if found is None:
        raise NoSuchIncident(incident_id)
    return found


def listed(session: Session, open_only: bool = False, limit: int = 100) -> Sequence[Incident]:
    """Incidents, newest first: open ones only, or the ``limit`` latest of all."""
    query = select(Incident).options(selectinload(Incident.scopes), selectinload(Incident.updates))
    if open_only:
        query = query.where(Incident.state != IncidentState.RESOLVED)
    query = query.order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(limit)
    return session.scalars(query).all()


def public_updates(incident: Incident) -> list[IncidentUpdate]:
    """The incident's public updates, newest first."""
    return sorted((u for u in incident.updates if u.public), key=lambda u: -u.id)


def latest_public(incident: Incident) -> IncidentUpdate | None:
    """The incident's current public message."""
    updates = public_updates(incident)
    return updates[0] if updates else None


def message_in(update: IncidentUpdate, language: str) -> str | None:
    """The update in ``language``, if it was written or translated in it."""
    if update.language == language:
        return update.body
    text = (update.translations or {}).get(language)
    return text if isinstance(text, str) and text.strip() else None


def as_dict(incident: Incident, internal: bool = False) -> dict[str, object]:
    """The incident as JSON: its scope and its timeline (internal notes when asked)."""
    scope = Scope.of_incident(incident)
    updates = [u for u in incident.updates if u.public or internal]
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "state": incident.state.value,
        "regions": list(scope.regions),
        "services": list(scope.services),
        "service_areas": list(scope.service_areas),
        "opened_at": incident.opened_at.isoformat(timespec="seconds"),
        "updated_at": incident.updated_at.isoformat(timespec="seconds"),
        "resolved_at": incident.resolved_at.isoformat(timespec="seconds")
        if incident.resolved_at
        else None,
        "updates": [
            {
                "id": u.id,
                "state": u.state.value,
                "public": u.public,
                "body": u.body,
                "translations": dict(u.translations or {}),
                "author": u.author,
                "posted_at": u.posted_at.isoformat(timespec="seconds"),
            }
            for u in sorted(updates, key=lambda u: -u.id)
        ],
    }


def _values(values: Iterable[str], noun: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for raw in values:
        value = " ".join(str(raw).split())
        if not value:
            continue
        if len(value) > SCOPE_LENGTH or not value.isprintable():
            raise IncidentError(f"A {noun} is at most {SCOPE_LENGTH} printable characters.")
        found[value] = None
    return tuple(found)


def _text(value: str, noun: str, most: int) -> str:
    text = (value or "").strip()
    if not text:
        raise IncidentError(f"The {noun} is empty.")
    if len(text) > most:
        raise IncidentError(f"The {noun} is {len(text):,} characters; at most {most:,}.")
    return text


def _severity(value: str) -> Severity:
    try:
        return Severity(str(value).strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise IncidentError(f"Severity is one of {names}, not {value!r}.") from None


def _state(value: str) -> IncidentState:
    try:
        return IncidentState(str(value).strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in IncidentState)
        raise IncidentError(f"An incident's state is one of {names}, not {value!r}.") from None


def _translations(given: Mapping[str, str] | None) -> dict[str, str]:
    kept: dict[str, str] = {}
    for language, text in (given or {}).items():
        if language not in LANGUAGES:
            raise IncidentError(f"Translations are in {', '.join(LANGUAGES)}, not {language!r}.")
        if text and text.strip():
            kept[language] = _text(text, "translation", MOST_UPDATE_CHARACTERS)
    return kept


def _author(by: User | None) -> str:
    return by.name if by is not None else "command line"


def _target(incident: Incident) -> str:
    return f"incident {incident.id}: {incident.title}"


def _scope(scope: Scope) -> dict[str, list[str]]:
    return {
        "regions": list(scope.regions),
        "services": list(scope.services),
        "service_areas": list(scope.service_areas),
    }
