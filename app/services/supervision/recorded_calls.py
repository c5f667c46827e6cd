"""The recent queued calls the what-if replays, read in four queries whatever their number.

The calls of the last ``days`` that reached a queue (inbound voice with a ``queue_id``), at
most ``MAX_CONTACTS`` of them, the newest kept; the contacts and cases of the week before
each for the callers' history; and the queues' routing settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Case, Customer, Direction, Interaction, InteractionChannel, Queue
from app.services.calls.routing_data import queue_configs
from app.services.supervision.recorded_traffic import (
    HISTORY_DAYS,
    CallRecord,
    CaseSpan,
    EarlierContact,
)
from routing.model import QueueConfig

MAX_CONTACTS = 20_000
# Contacts read for the callers' history; past this, the oldest calls' history is short.
MAX_HISTORY_ROWS = 200_000


@dataclass(frozen=True)
class Recording:
    """The period read and what it held: calls, the callers' history, the queues."""

    since: datetime
    until: datetime
    calls: tuple[CallRecord, ...]
    # More calls were queued in the period than MAX_CONTACTS: the oldest were left out.
    truncated: bool
    contacts: tuple[EarlierContact, ...]
    cases: tuple[CaseSpan, ...]
    queues: tuple[QueueConfig, ...]

    @property
    def period_hours(self) -> float:
        """The length of the period read, in hours."""
        return (self.until - self.since).total_seconds() / 3600


def read(session: Session, days: float, until: datetime, limit: int = MAX_CONTACTS) -> Recording:
    """The queued calls of the ``days`` before ``until``, with history for their callers."""
    since = until - timedelta(days=days)
    found = _calls(session, since, until, limit + 1)
    calls = tuple(reversed(found[:limit]))
    start = calls[0].started_at if calls else since
    used = {call.queue for call in calls}
    configs = queue_configs(session)
    return Recording(
        since=since,
        until=until,
        calls=calls,
        truncated=len(found) > limit,
        contacts=_contacts(session, start - timedelta(days=HISTORY_DAYS), until) if calls else (),
        cases=_cases(session, start, until) if calls else (),
        queues=tuple(configs[name] for name in sorted(used) if name in configs),
    )


def _calls(session: Session, since: datetime, until: datetime, limit: int) -> list[CallRecord]:
    """Newest first."""
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.started_at,
            Interaction.ended_at,
            Interaction.customer_id,
            Interaction.outcome,
            Interaction.agent_id,
            Interaction.details,
            Queue.name,
            Customer.tier,
            Customer.lifetime_value,
        )
        .join(Queue, Queue.id == Interaction.queue_id)
        .outerjoin(Customer, Customer.id == Interaction.customer_id)
        .where(
            Interaction.started_at >= since,
            Interaction.started_at < until,
            Interaction.channel == InteractionChannel.VOICE,
            Interaction.direction == Direction.INBOUND,
        )
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(limit)
    ).all()
    return [
        CallRecord(
            id=row.id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            queue=row.name,
            customer_id=row.customer_id,
            tier=row.tier.value if row.tier is not None else None,
            lifetime_value=float(row.lifetime_value or 0),
            outcome=row.outcome or "",
            agent_id=row.agent_id,
            details=row.details or {},
        )
        for row in rows
    ]


def _contacts(session: Session, since: datetime, until: datetime) -> tuple[EarlierContact, ...]:
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.customer_id,
            Interaction.started_at,
            Interaction.outcome,
            Interaction.agent_id,
        )
        .where(
            Interaction.customer_id.is_not(None),
            Interaction.started_at >= since,
            Interaction.started_at < until,
        )
        .order_by(Interaction.started_at.desc())
        .limit(MAX_HISTORY_ROWS)
    ).all()
    return tuple(
        EarlierContact(
            id=row.id,
            customer_id=row.customer_id,
            started_at=row.started_at,
            outcome=row.outcome or "",
            agent_id=row.agent_id,
        )
        for row in rows
    )


def _cases(session: Session, since: datetime, until: datetime) -> tuple[CaseSpan, ...]:
    """Cases open at some moment of the period."""
    rows = session.execute(
        select(Case.id, Case.customer_id, Case.opened_at, Case.closed_at).where(
            Case.opened_at < until, or_(Case.closed_at.is_(None), Case.closed_at > since)
        )
    ).all()
    return tuple(
        CaseSpan(
            id=row.id, customer_id=row.customer_id, opened_at=row.opened_at, closed_at=row.closed_at
        )
        for row in rows
    )
