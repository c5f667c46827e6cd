"""Consent: read a customer's current choice and append new decisions to the history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Channel, ConsentEvent, ConsentSource, Purpose


def current_consent(session: Session, customer_id: int, channel: Channel, purpose: Purpose) -> bool:
    """Whether the customer is opted in now: the latest event decides, no event means no."""
    opted_in = session.scalar(
        select(ConsentEvent.opted_in)
        .where(
            ConsentEvent.customer_id == customer_id,
            ConsentEvent.channel == channel,
            ConsentEvent.purpose == purpose,
        )
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    )
    return bool(opted_in)


def current_consents(
    session: Session, customer_ids: Collection[int], purpose: Purpose
) -> dict[tuple[int, Channel], bool]:
    """The current choice per (customer, channel) for many customers in one query.

    A pair missing from the result has no event at all, which means not consented.
    """
    if not customer_ids:
        return {}
    latest = (
        select(func.max(ConsentEvent.id))
        .where(ConsentEvent.customer_id.in_(customer_ids), ConsentEvent.purpose == purpose)
        .group_by(ConsentEvent.customer_id, ConsentEvent.channel)
    )
    rows = session.execute(
        select(ConsentEvent.customer_id, ConsentEvent.channel, ConsentEvent.opted_in).where(
            ConsentEvent.id.in_(latest)
        )
    )
    return {(row.customer_id, row.channel): row.opted_in for row in rows}


def record_consent(
    session: Session,
    customer_id: int,
    channel: Channel,
    purpose: Purpose,
    opted_in: bool,
    source: ConsentSource,
    detail: str = "",
    recorded_at: datetime | None = None,
) -> ConsentEvent:
    """Append one decision to the history; earlier events are never changed."""
    event = ConsentEvent(
        customer_id=customer_id,
        channel=channel,
        purpose=purpose,
        opted_in=opted_in,
        source=source,
        detail=detail[:200],
    )
    if recorded_at is not None:
        event.recorded_at = recorded_at
    session.add(event)
    return event


def change_consent(
    session: Session,
    customer_id: int,
    channel: Channel,
    purpose: Purpose,
    opted_in: bool,
    source: ConsentSource,
    detail: str = "",
) -> ConsentEvent | None:
    """Record ``opted_in`` only when it differs from the current choice; the new event or None."""
    if current_consent(session, customer_id, channel, purpose) == opted_in:
        return None
    return record_consent(session, customer_id, channel, purpose, opted_in, source, detail)
