"""Notes an agent types on a contact, kept on the server as they type, so a reload or a
dropped connection loses nothing before the wrap-up saves them."""

from __future__ import annotations

from app.extensions import redis_store
from app.services.agents.desk_errors import DeskError

KEY = "helpline:desk:%s:draft:%s"  # agent id, contact id -> the notes typed so far
MAX_NOTES = 10_000  # as Interaction.notes keeps at wrap-up
MAX_CONTACT_ID = 80
KEEP_SECONDS = 7 * 24 * 3600


def save(agent_id: str, contact_id: str, notes: str) -> int:
    """Keep the agent's draft notes on ``contact_id``; how many characters were kept."""
    _check(contact_id)
    if len(notes) > MAX_NOTES:
        raise DeskError(f"notes must be at most {MAX_NOTES} characters", 400)
    redis_store.client.set(KEY % (agent_id, contact_id), notes.encode("utf-8"), ex=KEEP_SECONDS)
    return len(notes)


def draft(agent_id: str, contact_id: str) -> str:
    """The agent's draft notes on ``contact_id`` ("" for none)."""
    value = redis_store.client.get(KEY % (agent_id, contact_id[:MAX_CONTACT_ID]))
    return value.decode("utf-8") if isinstance(value, bytes) else (value or "")


def clear(agent_id: str, contact_id: str) -> None:
    """The notes were saved with the wrap-up: the draft goes."""
    redis_store.client.delete(KEY % (agent_id, contact_id[:MAX_CONTACT_ID]))


def _check(contact_id: str) -> None:
    if not contact_id:
        raise DeskError("contact_id is required", 400)
    if len(contact_id) > MAX_CONTACT_ID:
        raise DeskError("contact_id is too long", 400)
