"""The agent's side of texting: my conversations, a thread, reply, close with a wrap-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Agent as AgentRow
from app.models import Conversation, ConversationState, Message
from app.services.agents import offers
from app.services.agents.desk_errors import DeskError
from app.services.agents.wrap_up_codes import WRAP_UP_CODES
from app.services.customers.profile import customer_360
from app.services.texting import conversations, handover, reply_limits, sending

LIST_LIMIT = 100
MAX_ID = 2**31 - 1  # an Integer key: PostgreSQL refuses a larger one in a query


def my_conversations(
    session: Session, agent: AgentRow, state: str = "with_agent"
) -> list[dict[str, Any]]:
    """The agent's conversations in ``state`` (with_agent by default, or closed), newest
    first, each with its last message."""
    try:
        wanted = ConversationState(state)
    except ValueError:
        raise DeskError(f"unknown state {state!r}", 400) from None
    found = session.scalars(
        select(Conversation)
        .where(Conversation.agent_id == agent.id, Conversation.state == wanted)
        .order_by(Conversation.updated_at.desc())
        .limit(LIST_LIMIT)
    ).all()
    return [{**conversations.conversation_view(c), "last": _last(session, c.id)} for c in found]


def _last(session: Session, conversation_id: int) -> dict[str, Any] | None:
    message = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return conversations.message_view(message) if message is not None else None


def thread(session: Session, agent: AgentRow, conversation_id: int) -> dict[str, Any]:
    """A conversation of mine: its messages and the texter's 360° view."""
    conversation = _mine(session, agent, conversation_id)
    customer = customer_360(session, conversation.customer_id) if conversation.customer_id else None
    return {
        "conversation": conversations.conversation_view(conversation),
        "messages": conversations.transcript(session, conversation.id),
        "customer": customer,
        "wrap_up_codes": list(WRAP_UP_CODES),
    }


def reply(session: Session, agent: AgentRow, conversation_id: int, body: str) -> dict[str, Any]:
    """Text ``body`` to the texter of my open conversation (cut to Twilio's limit)."""
    conversation = _mine(session, agent, conversation_id)
    if conversation.state is not ConversationState.WITH_AGENT:
        raise DeskError("this conversation is closed", 409)
    if not body.strip():
        raise DeskError("write something to send", 400)
    if not reply_limits.may_reply(conversation.phone):
        raise DeskError("too many texts to this number just now; try again shortly", 429)
    try:
        message = sending.send(session, conversation, body, agent_id=agent.id)
    except sending.NotSent as refused:
        session.commit()  # the failed message and what it taught about the number
        status = 409 if refused.reason in ("opted_out", "invalid_number") else 502
        raise DeskError(f"not sent: {refused.reason}", status) from None
    session.commit()
    return conversations.message_view(message)


def close(session: Session, agent: AgentRow, conversation_id: int, code: str) -> dict[str, Any]:
    """Close my conversation with a wrap-up code: my text slot is free for the next."""
    code = code.strip()
    if not code or len(code) > 32:
        raise DeskError(f"choose a wrap-up code: {', '.join(WRAP_UP_CODES)}", 400)
    conversation = _mine(session, agent, conversation_id)
    if conversation.state is ConversationState.CLOSED:
        raise DeskError("this conversation is closed already", 409)
    handover.release(conversation)
    conversations.close(session, conversation, code)
    session.commit()
    offers.agent_free(str(agent.id))
    return conversations.conversation_view(conversation)


def _mine(session: Session, agent: AgentRow, conversation_id: int) -> Conversation:
    known = 0 < conversation_id <= MAX_ID
    conversation = session.get(Conversation, conversation_id) if known else None
    if conversation is None:
        raise DeskError("no such conversation", 404)
    if conversation.agent_id != agent.id:
        raise DeskError("this conversation is another agent's", 403)
    return conversation
