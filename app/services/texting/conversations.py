"""SMS conversations and their messages: one open conversation per number at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.models import (
    Conversation,
    ConversationState,
    Direction,
    Interaction,
    InteractionChannel,
    Message,
    MessageDirection,
    utcnow,
)
from app.services.texting import segments

OPEN = (ConversationState.BOT, ConversationState.QUEUED, ConversationState.WITH_AGENT)
# Asked on every text: built once (building a statement costs more than SQLite running it).
_OPEN_FOR = (
    select(Conversation)
    .where(Conversation.phone == bindparam("phone"), Conversation.state.in_(OPEN))
    .order_by(Conversation.id.desc())
    .limit(1)
)
_SID_SEEN = select(Message.id).where(Message.sid == bindparam("sid"))


def open_for(session: Session, phone: str) -> Conversation | None:
    """The number's conversation that is not closed, if any."""
    return session.scalars(_OPEN_FOR, {"phone": phone}).first()


def find_or_start(
    session: Session, phone: str, our_number: str, language: str, customer_id: int | None
) -> Conversation:
    """The number's open conversation, or a new one with the bot: not added to the session
    yet (the caller adds it when it writes, so that reads before do not flush it)."""
    conversation = open_for(session, phone)
    if conversation is None:
        conversation = Conversation(
            phone=phone,
            our_number=our_number,
            language=language,
            customer_id=customer_id,
            state=ConversationState.BOT,
        )
    return conversation


def is_replay(session: Session, sid: str) -> bool:
    """Whether a message with this MessageSid is recorded already."""
    return bool(sid) and session.scalar(_SID_SEEN, {"sid": sid}) is not None


def add_message(
    session: Session,
    conversation: Conversation,
    direction: MessageDirection,
    body: str,
    *,
    sid: str | None = None,
    status: str = "",
    agent_id: int | None = None,
) -> Message:
    """Record a message in the conversation (segments and encoding counted)."""
    message = Message(
        conversation_id=conversation.id,
        **message_row(conversation, direction, body, sid=sid, status=status),
        agent_id=agent_id,
    )
    conversation.updated_at = utcnow()
    session.add(message)
    return message


def message_row(
    conversation: Conversation,
    direction: MessageDirection,
    body: str,
    *,
    sid: str | None = None,
    status: str = "",
) -> dict[str, Any]:
    """A message's columns but its conversation's id (segments and encoding counted)."""
    counted = segments.count(body)
    ours = direction is MessageDirection.OUT
    return {
        "sid": sid or None,
        "direction": direction,
        "from_number": conversation.our_number if ours else conversation.phone,
        "to_number": conversation.phone if ours else conversation.our_number,
        "body": body,
        "status": status,
        "segments": counted.count,
        "encoding": counted.encoding,
    }


def write_messages(
    session: Session, conversation: Conversation, rows: list[dict[str, Any]]
) -> None:
    """Insert ``message_row``s of a conversation already written (it has its id), in one
    statement: no ORM objects for rows nothing reads back. An inbound MessageSid seen
    before fails it (``IntegrityError``): a replay racing its first copy."""
    if rows:
        table = Message.__table__
        session.connection().execute(
            insert(table), [{**row, "conversation_id": conversation.id} for row in rows]
        )


def interaction_for(session: Session, conversation: Conversation) -> Interaction:
    """The conversation's record on the customer's history (the 360° view), made once."""
    if conversation.interaction_id is not None:
        found = session.get(Interaction, conversation.interaction_id)
        if found is not None:
            return found
    interaction = Interaction(
        customer_id=conversation.customer_id,
        channel=InteractionChannel.SMS,
        direction=Direction.INBOUND,
        from_number=conversation.phone,
        to_number=conversation.our_number,
        started_at=conversation.started_at,
        details={"conversation_id": conversation.id},
    )
    session.add(interaction)
    session.flush()
    conversation.interaction_id = interaction.id
    return interaction


def close(session: Session, conversation: Conversation, wrap_up_code: str = "") -> None:
    """End the conversation (and its record on the customer's history)."""
    now = utcnow()
    conversation.state = ConversationState.CLOSED
    conversation.closed_at = now
    conversation.wrap_up_code = wrap_up_code[:32]
    if conversation.interaction_id is not None:
        interaction = session.get(Interaction, conversation.interaction_id)
        if interaction is not None:
            interaction.ended_at = interaction.ended_at or now
            interaction.wrap_up_code = wrap_up_code[:32]
            interaction.outcome = interaction.outcome or ("handled" if wrap_up_code else "closed")


def transcript(session: Session, conversation_id: int) -> list[dict[str, Any]]:
    """The conversation's messages, oldest first, as the agent API shows them."""
    messages = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    )
    return [message_view(message) for message in messages]


def message_view(message: Message) -> dict[str, Any]:
    """One message as JSON."""
    return {
        "id": message.id,
        "direction": message.direction.value,
        "body": message.body,
        "status": message.status,
        "error_code": message.error_code,
        "segments": message.segments,
        "encoding": message.encoding,
        "agent_id": message.agent_id,
        "at": _iso(message.created_at),
    }


def conversation_view(conversation: Conversation) -> dict[str, Any]:
    """A conversation's summary as JSON."""
    return {
        "id": conversation.id,
        "phone": conversation.phone,
        "customer_id": conversation.customer_id,
        "state": conversation.state.value,
        "language": conversation.language,
        "queue": conversation.queue,
        "agent_id": conversation.agent_id,
        "wrap_up_code": conversation.wrap_up_code,
        "started_at": _iso(conversation.started_at),
        "updated_at": _iso(conversation.updated_at),
        "closed_at": _iso(conversation.closed_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
