"""The customer 360: who the customer is, what they hold, what is open, what happened last,
and what they agreed to be contacted about; one read for the agent's console."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Agent,
    Broadcast,
    BroadcastChannel,
    Case,
    CaseStatus,
    Channel,
    ConsentEvent,
    Customer,
    Delivery,
    DeliveryState,
    Incident,
    Interaction,
    Purpose,
    Queue,
    User,
)

RECENT_INTERACTIONS = 10  # the last contacts shown; older ones are the supervisor's reports
MAX_ID = 2**31 - 1  # an Integer primary key: PostgreSQL refuses a larger one in a query


def customer_360(
    session: Session, customer_id: int, recent: int = RECENT_INTERACTIONS
) -> dict[str, Any] | None:
    """The customer's profile, accounts, open cases, last contacts and consent; None if unknown."""
    customer = session.get(Customer, customer_id) if 0 < customer_id <= MAX_ID else None
    if customer is None:
        return None
    return {
        **profile(customer),
        "accounts": [_account(account) for account in customer.accounts],
        "open_cases": open_cases(session, customer.id),
        "interactions": last_interactions(session, customer.id, recent),
        "consent": consent_state(session, customer.id),
        "notices": incident_notices(session, customer.id),
    }


def profile(customer: Customer) -> dict[str, Any]:
    """Who the customer is and what they are worth to us."""
    return {
        "id": customer.id,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "language": customer.language,
        "tier": customer.tier.value,
        # A string: a decimal amount that a float would round.
        "lifetime_value": f"{customer.lifetime_value:.2f}",
        "region": customer.region,
        "timezone": customer.timezone,
    }


def _account(account: Any) -> dict[str, Any]:
    return {
        "number": account.number,
        "service": account.service,
        "status": account.status,
        "service_area": account.service_area,
        "opened_at": iso(account.opened_at),
    }


def open_cases(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """The customer's open cases, oldest first, with their owner's name."""
    rows = session.execute(
        select(Case, User.name)
        .outerjoin(Agent, Agent.id == Case.owner_agent_id)
        .outerjoin(User, User.id == Agent.user_id)
        .where(Case.customer_id == customer_id, Case.status == CaseStatus.OPEN)
        .order_by(Case.opened_at, Case.id)
    )
    return [
        {
            "id": case.id,
            "subject": case.subject,
            "description": case.description,
            "opened_at": iso(case.opened_at),
            "owner": owner,
        }
        for case, owner in rows
    ]


def last_interactions(session: Session, customer_id: int, limit: int) -> list[dict[str, Any]]:
    """The customer's latest contacts on every channel, newest first, with who handled them."""
    rows = session.execute(
        select(Interaction, User.name, Queue.name)
        .outerjoin(Agent, Agent.id == Interaction.agent_id)
        .outerjoin(User, User.id == Agent.user_id)
        .outerjoin(Queue, Queue.id == Interaction.queue_id)
        .where(Interaction.customer_id == customer_id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return [_interaction(record, agent, queue) for record, agent, queue in rows]


def _interaction(record: Interaction, agent: str | None, queue: str | None) -> dict[str, Any]:
    return {
        "id": record.id,
        "channel": record.channel.value,
        "direction": record.direction.value,
        "started_at": iso(record.started_at),
        "ended_at": iso(record.ended_at),
        "outcome": record.outcome,
        "wrap_up_code": record.wrap_up_code,
        "notes": record.notes,
        "agent": agent,
        "queue": queue or (record.details or {}).get("queue"),
    }


def incident_notices(session: Session, customer_id: int, limit: int = 5) -> list[dict[str, Any]]:
    """The customer's latest incident broadcasts: what about, how, and how far it got
    ("notified 14:02 by SMS, delivered")."""
    rows = session.execute(
        select(Delivery, Broadcast.channel, Incident.id, Incident.title)
        .join(Broadcast, Broadcast.id == Delivery.broadcast_id)
        .join(Incident, Incident.id == Broadcast.incident_id)
        .where(Delivery.customer_id == customer_id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "incident_id": incident_id,
            "incident": title,
            "channel": channel.value,
            "state": delivery.state.value,
            "outcome": notice_outcome(delivery, channel),
            "answered_by": delivery.answered_by,
            "sent_at": iso(delivery.sent_at),
            "error_code": delivery.error_code,
        }
        for delivery, channel, incident_id, title in rows
    ]


# How a broadcast call ended, in an agent's words.
CALL_ENDS = {"busy": "busy", "no-answer": "no answer", "failed": "failed", "canceled": "failed"}


def notice_outcome(delivery: Delivery, channel: BroadcastChannel) -> str:
    """How far a notice got, in words: a text's state ("delivered"); for a call, who
    answered ("answered", "message left", "answered, asked for a person") or why nobody
    did ("no answer", "busy")."""
    if channel is not BroadcastChannel.VOICE:
        return delivery.state.value
    who = delivery.answered_by or ""
    if delivery.asked_for_person:
        return "answered, asked for a person"
    if who in ("human", "unknown"):
        return "answered"
    if who.startswith("machine"):
        return "message left"
    if who == "fax":
        return "a fax answered"
    if delivery.call_status in CALL_ENDS:
        return CALL_ENDS[delivery.call_status]
    if delivery.state is DeliveryState.SENT:
        return "calling"
    return delivery.state.value


def consent_state(session: Session, customer_id: int) -> dict[str, dict[str, Any]]:
    """Per channel and purpose: opted in or not (the latest event wins; none means not),
    with where and when that choice was made."""
    latest = (
        select(func.max(ConsentEvent.id))
        .where(ConsentEvent.customer_id == customer_id)
        .group_by(ConsentEvent.channel, ConsentEvent.purpose)
    )
    events = session.scalars(select(ConsentEvent).where(ConsentEvent.id.in_(latest)))
    by_pair = {(event.channel, event.purpose): event for event in events}
    return {
        channel.value: {
            purpose.value: _choice(by_pair.get((channel, purpose))) for purpose in Purpose
        }
        for channel in Channel
    }


def _choice(event: ConsentEvent | None) -> dict[str, Any]:
    if event is None:
        return {"opted_in": False, "source": None, "at": None}
    return {"opted_in": event.opted_in, "source": event.source.value, "at": iso(event.recorded_at)}


def iso(moment: datetime | None) -> str | None:
    """A UTC time as ISO 8601 to the second; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # stored naive, in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
