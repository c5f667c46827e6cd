"""What a script knows of one recipient: their first name, the service and place the
incident touches for them, when we expect it fixed, where to read more, and the latest
public update in their language. Words the customer reads are in their language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.models import Customer, Incident, utcnow
from app.services.incidents.lifecycle import LANGUAGES, Scope, latest_public, message_in

DEFAULT_LANGUAGE = "en"
# Service names customers know, in their language; others are shown as typed.
SERVICE_WORDS = {
    "en": {
        "mobile": "mobile service",
        "broadband": "internet",
        "tv": "TV service",
        "energy": "power",
    },
    "es": {
        "mobile": "servicio de celular",
        "broadband": "internet",
        "tv": "servicio de TV",
        "energy": "luz",
    },
}
_FALLBACK = {
    "en": {"first_name": "there", "service": "service", "place": "your area"},
    "es": {"first_name": "cliente", "service": "servicio", "place": "su zona"},
}
_SOON = {"en": "as soon as we can", "es": "lo antes posible"}
_MONTHS_ES = "ene feb mar abr may jun jul ago sep oct nov dic".split()


@dataclass(frozen=True)
class Recipient:
    """Whom a script is rendered for: a label for previews, a language (en or es) and the
    variables the templates read."""

    label: str
    language: str
    variables: Mapping[str, str] = field(default_factory=dict)


def language_of(customer: Customer) -> str:
    """The customer's language if scripts speak it, else English."""
    language = (customer.language or "").strip().lower()[:2]
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def recipient(
    incident: Incident,
    customer: Customer,
    base_url: str,
    eta: str | datetime | None = None,
    now: datetime | None = None,
) -> Recipient:
    """The customer as a recipient of a script about ``incident``.

    ``base_url``: the public address (``PUBLIC_BASE_URL``) the status link starts with;
    ``eta``: words, or a time shown in the customer's time zone; none says "as soon as we
    can". ``update`` is absent when the incident has no public update in their language."""
    language = language_of(customer)
    scope = Scope.of_incident(incident)
    services, areas = _touched(customer, scope)
    fallback = _FALLBACK[language]
    variables = {
        "first_name": first_name(customer.name) or fallback["first_name"],
        "service": _service(services, language) or fallback["service"],
        "region": customer.region or _first(scope.regions) or fallback["place"],
        "area": _first(areas) or customer.region or fallback["place"],
        "eta": eta_words(eta, language, customer.timezone, now),
        "status_link": status_link(base_url, incident.id),
        "incident_title": incident.title,
    }
    latest = latest_public(incident)
    text = message_in(latest, language) if latest is not None else None
    if text:
        variables["update"] = " ".join(text.split())
    label = f"{customer.name or 'customer ' + str(customer.id)} ({language})"
    return Recipient(label, language, variables)


def first_name(name: str) -> str:
    """The first name in ``name`` ("López, Ana" and "Ana López" both give "Ana"); a name
    typed all in capitals or small letters is capitalized."""
    name = " ".join((name or "").split())
    if "," in name:
        name = name.split(",", 1)[1].strip()
    first = name.split(" ", 1)[0] if name else ""
    return first.capitalize() if first.isupper() or first.islower() else first


def status_link(base_url: str, incident_id: int) -> str:
    """The incident's page on the public status site."""
    return f"{base_url.rstrip('/')}/status/incidents/{incident_id}"


def eta_words(
    eta: str | datetime | None, language: str, timezone: str = "UTC", now: datetime | None = None
) -> str:
    """``eta`` as the recipient reads it: words as given; a time in their time zone, with
    the day when it is not today ("3:30 PM", "Jan 14, 3:30 PM"; "15:30", "14 ene, 15:30")."""
    if eta is None:
        return _SOON[language]
    if isinstance(eta, str):
        return " ".join(eta.split()) or _SOON[language]
    zone = _zone(timezone)
    when = _aware(eta).astimezone(zone)
    today = _aware(now or utcnow()).astimezone(zone).date()
    if language == "es":
        clock = when.strftime("%H:%M")
        day = f"{when.day} {_MONTHS_ES[when.month - 1]}, "
    else:
        clock = f"{when.hour % 12 or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
        day = f"{when.strftime('%b')} {when.day}, "
    return clock if when.date() == today else day + clock


def _touched(customer: Customer, scope: Scope) -> tuple[list[str], list[str]]:
    """The services and areas of the customer's active accounts the incident touches (a
    service named and an area named, as each kind of scope narrows); all of them if none
    is (the incident touches them by region, or everyone)."""
    held = [(a.service, a.service_area) for a in customer.accounts if a.status == "active"]
    touched = [
        (service, area)
        for service, area in held
        if (not scope.services or service in scope.services)
        and (not scope.service_areas or area in scope.service_areas)
    ] or held
    services = list(dict.fromkeys(s for s, _ in touched if s)) or list(scope.services)
    areas = list(dict.fromkeys(a for _, a in touched if a)) or list(scope.service_areas)
    return services, areas


def _service(services: list[str], language: str) -> str:
    words = SERVICE_WORDS[language]
    named = [words.get(s.lower(), s) for s in services[:2]]
    return (" and " if language == "en" else " y ").join(named)


def _first(values: list[str] | tuple[str, ...]) -> str:
    return values[0] if values else ""


def _aware(moment: datetime) -> datetime:
    """A time read from SQLite comes back without its zone; every time we keep is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
