"""An SMS conversation in the routing queues: put in line as a contact (``sms:<id>``, the
same priority policy as calls), taken by an agent, closed with a wrap-up code.

A text takes a text slot, not the voice line (``routing.TEXT_CAPACITY``): the agent
stays available while holding texts, and may take one call besides. Nobody at work on
the whole overflow ladder: the conversation stays queued in the database, the texter is
given the human line, and ``requeue`` puts it in line when agents come.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Conversation, ConversationState
from app.services.agents import offers
from app.services.calls import queueing
from app.services.calls.routing_data import customer_history, customer_value
from app.services.texting import conversations
from routing import SMS_PREFIX, Agent, Contact, CustomerValue, History
from routing.store import Enqueued, EntryState, QueueEntry, RemovalReason

log = logging.getLogger(__name__)

REQUEUE_BATCH = 50


def contact_id(conversation_id: int) -> str:
    """The id a conversation waits under in the queue store."""
    return f"{SMS_PREFIX}{conversation_id}"


def conversation_id_of(contact: str) -> int | None:
    """The conversation a queue store id names, if it names one."""
    number = contact.removeprefix(SMS_PREFIX)
    return int(number) if contact.startswith(SMS_PREFIX) and number.isdigit() else None


def queue_for(language: str) -> str:
    """The queue texters of ``language`` wait in."""
    config = current_app.config
    return str(config["SMS_QUEUE_ES"] if language == "es" else config["SMS_QUEUE"])


@dataclass(frozen=True)
class Line:
    """What routing reads before a conversation is put in line: when it arrived, the
    customer's worth and history, their last agent (for the sticky rule)."""

    arrived_at: float
    customer: CustomerValue
    history: History
    last_agent: dict[str, Agent]


def to_agent(session: Session, conversation: Conversation, why: str) -> bool:
    """Put the conversation in line for an agent (and offer it); False if nobody at work.

    Either way it is queued in the database: its agent answers when one is at work. Commits.
    """
    entry = put_in_line(session, conversation, why, look(session, conversation))
    session.commit()
    return offer(entry)


def look(session: Session, conversation: Conversation) -> Line:
    """Read what putting ``conversation`` in line needs (before anything is written)."""
    arrived_at = queueing.store().now()
    now = datetime.fromtimestamp(arrived_at, UTC)
    history = customer_history(session, conversation.customer_id, now)
    return Line(
        arrived_at,
        customer_value(session, conversation.customer_id),
        history,
        queueing.last_agent_roster(history.last_agent_id),
    )


def put_in_line(
    session: Session, conversation: Conversation, why: str, line: Line
) -> Enqueued | None:
    """Queue the conversation in the database, and in line in the store if anyone is at
    work: what the store did (who may be offered it), to ``offer`` once committed; None if
    nobody is at work. Flushes (the store needs the conversation's and its record's ids)."""
    interaction = conversations.interaction_for(session, conversation)
    conversation.state = ConversationState.QUEUED
    conversation.queue = conversation.queue or queue_for(conversation.language)
    steps = [why]
    for queue in queueing.ladder(conversation.queue):
        contact = Contact(
            id=contact_id(conversation.id),
            kind="sms",
            queue=queue.name,
            skills=queue.skills,
            language=conversation.language,
            arrived_at=line.arrived_at,
            customer=line.customer,
            history=line.history,
        )
        done = queueing.put_in_line(interaction, contact, line.last_agent, steps, staffed=True)
        if done.staffed:
            conversation.queue = queue.name
            return done
        steps.append(f"no agent at work for {queue.name}")
    return None


def offer(waiting: Enqueued | None) -> bool:
    """Offer a conversation put in line (after the commit: its agent reads it) to the free
    agents the store named; False if it waits nowhere (nobody at work)."""
    if waiting is None:
        return False
    offers.contact_waiting(waiting.entry.contact_id, known=waiting.entry, free=waiting.free)
    return True


def taken(agent_id: int, entry: QueueEntry) -> Conversation | None:
    """An agent accepted the conversation: it is theirs (they stay available)."""
    conversation_id = conversation_id_of(entry.contact_id)
    conversation = db.session.get(Conversation, conversation_id) if conversation_id else None
    queueing.store().answer(entry.contact_id, str(agent_id))
    if conversation is None:
        return None
    conversation.state = ConversationState.WITH_AGENT
    conversation.agent_id = agent_id
    interaction = conversations.interaction_for(db.session, conversation)
    interaction.agent_id = agent_id
    interaction.outcome = "answered"
    db.session.commit()
    return conversation


def leave_queue(conversation: Conversation) -> None:
    """The conversation no longer waits (the texter opted out, the agent closed it)."""
    if conversation.state is ConversationState.QUEUED:
        queueing.store().remove(contact_id(conversation.id), RemovalReason.CANCELLED)


def release(conversation: Conversation) -> None:
    """Its agent closed the conversation: their text slot is free again."""
    if conversation.agent_id is None:
        return
    store = queueing.store()
    store.release_text(str(conversation.agent_id))
    seconds = (datetime.now(UTC) - conversation.started_at).total_seconds()
    store.record_handle_time(conversation.queue or queue_for(conversation.language), seconds)


def requeue(session: Session) -> int:
    """Put queued conversations that wait nowhere (nobody was at work, Redis lost them)
    back in line; how many now wait."""
    queued = session.scalars(
        select(Conversation)
        .where(Conversation.state == ConversationState.QUEUED)
        .order_by(Conversation.id)
        .limit(REQUEUE_BATCH)
    ).all()
    if not queued:
        return 0
    store = queueing.store()
    live = store.known([contact_id(c.id) for c in queued])
    count = 0
    for conversation in queued:
        cid = contact_id(conversation.id)
        entry = store.entry(cid) if cid in live else None
        if entry is not None and entry.state in (EntryState.WAITING, EntryState.OFFERED):
            continue
        count += to_agent(session, conversation, "put back in line: it waited nowhere")
    return count
