"""Broadcasts: a supervisor's message about an incident, planned to its audience (one
delivery per recipient, counted before anything is sent), then sent and followed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Broadcast, BroadcastChannel, User, utcnow
from app.services.incidents import audience
from app.services.incidents.lifecycle import IncidentError, get
from app.services.supervision import audit

MOST_TEXT_CHARACTERS = 1_600  # Twilio's limit for one message


class NoSuchBroadcast(IncidentError):
    status = 404

    def __init__(self, broadcast_id: int) -> None:
        super().__init__(f"There is no broadcast {broadcast_id}.")


@dataclass(frozen=True)
class Created:
    """A planned broadcast and whom it will reach."""

    broadcast: Broadcast
    planned: audience.Planned


def create(
    session: Session,
    incident_id: int,
    text: str,
    channel: str = BroadcastChannel.SMS.value,
    tier_waves: bool = False,
    all_clear: bool = False,
    by: User | None = None,
) -> Created:
    """Plan a broadcast of ``text`` about the incident: its audience is written and
    counted, nothing is sent yet. Commits."""
    incident = get(session, incident_id)
    body = (text or "").strip()
    if not body:
        raise IncidentError("The message is empty.")
    if len(body) > MOST_TEXT_CHARACTERS:
        raise IncidentError(
            f"The message is {len(body):,} characters; at most {MOST_TEXT_CHARACTERS:,}."
        )
    try:
        kind = BroadcastChannel(channel)
    except ValueError:
        raise IncidentError(f"A broadcast goes by sms or voice, not {channel!r}.") from None
    broadcast = Broadcast(
        incident_id=incident.id,
        channel=kind,
        text=body,
        options={"tier_waves": tier_waves, "all_clear": all_clear},
        created_by=by.name if by is not None else "command line",
    )
    session.add(broadcast)
    session.flush()
    audit.record(
        by,
        "broadcast.create",
        f"broadcast {broadcast.id} of incident {incident.id}",
        channel=kind.value,
        tier_waves=tier_waves,
        all_clear=all_clear,
    )
    session.commit()
    return Created(broadcast, audience.plan(session, broadcast))


def find(session: Session, broadcast_id: int) -> Broadcast:
    """The broadcast; ``NoSuchBroadcast`` if there is none."""
    found = session.scalars(select(Broadcast).where(Broadcast.id == broadcast_id)).first()
    if found is None:
        raise NoSuchBroadcast(broadcast_id)
    return found


def status(session: Session, broadcast_id: int) -> dict[str, Any]:
    """Where the broadcast stands: its state, audience, and deliveries by state."""
    broadcast = find(session, broadcast_id)
    by_state = audience.counts(session, broadcast.id)
    out = by_state["sent"] + by_state["delivered"] + by_state["failed"] + by_state["skipped"]
    rate = eta = None
    if broadcast.started_at is not None:
        until = broadcast.finished_at or utcnow()
        seconds = max((until - broadcast.started_at).total_seconds(), 1e-3)
        rate = round(out / seconds, 2)
        left = by_state["pending"] + by_state["claimed"]
        eta = round(left / rate, 1) if rate and left else (0.0 if not left else None)
    return {
        "id": broadcast.id,
        "incident_id": broadcast.incident_id,
        "channel": broadcast.channel.value,
        "state": broadcast.state.value,
        "audience": broadcast.audience,
        **by_state,
        "rate_per_second": rate,
        "eta_seconds": eta,
        "options": dict(broadcast.options or {}),
        "created_at": broadcast.created_at.isoformat(timespec="seconds"),
    }
