"""What routing needs from the database: a caller's value and history, queues, agents."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.models import Agent as AgentRow
from app.models import Case, CaseStatus, Customer, Interaction
from app.models import Queue as QueueRow
from routing.model import (
    CALLBACK_PREFIX,
    SMS_PREFIX,
    Agent,
    Contact,
    ContactKind,
    CustomerValue,
    History,
    QueueConfig,
)
from routing.store import AgentPresence, QueueEntry

_VALUE = select(Customer.tier, Customer.lifetime_value).where(Customer.id == bindparam("id"))
_RECENT = (
    select(Interaction.started_at, Interaction.outcome, Interaction.agent_id)
    .where(Interaction.customer_id == bindparam("customer"))
    .where(Interaction.started_at >= bindparam("since"))
    .where(Interaction.twilio_sid.is_distinct_from(bindparam("sid")))
    .order_by(Interaction.started_at.desc())
)
_OPEN_CASES = select(Case.id).where(
    Case.customer_id == bindparam("customer"), Case.status == CaseStatus.OPEN
)


def customer_value(session: Session, customer_id: int | None) -> CustomerValue:
    """The caller's tier and lifetime value; an unknown caller has neither."""
    if customer_id is None:
        return CustomerValue()
    row = session.connection().execute(_VALUE, {"id": customer_id}).first()
    if row is None:
        return CustomerValue()
    return CustomerValue(tier=row.tier.value, lifetime_value=float(row.lifetime_value))


def customer_history(
    session: Session, customer_id: int | None, now: datetime, exclude_sid: str | None = None
) -> History:
    """Earlier contacts in the last 7 days, open cases, the last outcome and agent."""
    if customer_id is None:
        return History()
    connection = session.connection()
    week_ago = now - timedelta(days=7)
    rows = connection.execute(
        _RECENT, {"customer": customer_id, "since": week_ago, "sid": exclude_sid}
    ).all()
    open_cases = connection.execute(_OPEN_CASES, {"customer": customer_id}).scalars().all()
    day_ago = now - timedelta(days=1)
    with_agent = next((row for row in rows if row.agent_id is not None), None)
    return History(
        contacts_24h=sum(row.started_at >= day_ago for row in rows),
        contacts_7d=len(rows),
        open_cases=tuple(open_cases),
        last_outcome=rows[0].outcome or None if rows else None,
        last_agent_id=str(with_agent.agent_id) if with_agent else None,
        last_contact_at=with_agent.started_at.timestamp() if with_agent else None,
    )


def queue_configs(session: Session) -> dict[str, QueueConfig]:
    """Every queue's routing settings, by name."""
    return queue_table(session)[0]


def queue_table(session: Session) -> tuple[dict[str, QueueConfig], dict[str, int]]:
    """Every queue's routing settings and its row id, by name."""
    rows = session.scalars(select(QueueRow)).all()
    names = {row.id: row.name for row in rows}
    configs = {
        row.name: QueueConfig(
            name=row.name,
            skills=tuple(row.required_skills or ()),
            language=row.language,
            max_wait_seconds=float(row.max_wait_seconds),
            overflow=names.get(row.overflow_queue_id) if row.overflow_queue_id else None,
        )
        for row in rows
    }
    return configs, {name: id_ for id_, name in names.items()}


def agent_profile(row: AgentRow) -> Agent:
    """An agent's skills and languages as routing sees them (presence comes from Redis)."""
    return Agent(
        id=str(row.id),
        name=row.user.name,
        skills={skill.skill: skill.proficiency for skill in row.skills},
        languages=tuple(row.languages or ("en",)),
    )


def live_agent(profile: Agent, presence: AgentPresence) -> Agent:
    """The agent's profile with their live presence: state, idle time, a pending offer."""
    return replace(
        profile,
        presence=presence.state,
        idle_since=presence.idle_since or 0.0,
        offer_pending=presence.offer is not None,
        texts=presence.texts,
    )


def contact_of(entry: QueueEntry) -> Contact:
    """A waiting entry as routing sees it: skills, language, arrival, and its last agent."""
    payload = entry.payload
    last_at = payload.get("last_contact_at")
    return Contact(
        id=entry.contact_id,
        kind=_kind(entry.contact_id),
        queue=entry.queue,
        skills=tuple(payload.get("skills", ())),
        language=str(payload.get("language", "en")),
        arrived_at=entry.arrival,
        history=History(
            last_agent_id=payload.get("last_agent_id"),
            last_contact_at=float(last_at) if last_at is not None else None,
        ),
    )


def _kind(contact_id: str) -> ContactKind:
    if contact_id.startswith(CALLBACK_PREFIX):
        return "callback"
    return "sms" if contact_id.startswith(SMS_PREFIX) else "call"
