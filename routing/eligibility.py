"""Who may take what: skills, language and capacity, each refusal worded for a trace."""

from __future__ import annotations

from collections.abc import Iterable

from routing.model import Agent, Contact, Presence, QueueConfig

_PRESENCE_WORDS = {
    Presence.BUSY: "busy",
    Presence.WRAP_UP: "wrapping up",
    Presence.AWAY: "away",
    Presence.OFFLINE: "offline",
}


def lacks(agent: Agent, skills: Iterable[str], language: str) -> str | None:
    """Why the agent cannot serve these skills and language ("lacks billing"), or None."""
    missing = [skill for skill in skills if agent.proficiency(skill) == 0]
    if missing:
        return f"lacks {', '.join(missing)}"
    if language not in agent.languages:
        return f"does not speak {language}"
    return None


def can_serve(agent: Agent, queue: QueueConfig) -> bool:
    """Whether the agent has every skill the queue requires and speaks its language."""
    return lacks(agent, queue.skills, queue.language) is None


def cannot_take(agent: Agent, contact: Contact) -> str | None:
    """Why the agent could never take this contact (skills, language), or None."""
    return lacks(agent, contact.skills, contact.language)


def not_free(agent: Agent, contact: Contact | None = None) -> str | None:
    """Why the agent cannot be offered a contact right now (presence, capacity), or None.

    A text needs a free text slot, not the voice line; anything else needs the voice line.
    """
    if agent.presence is not Presence.AVAILABLE:
        return _PRESENCE_WORDS[agent.presence]
    if agent.offer_pending:
        return "considering an offer"
    if contact is not None and contact.kind == "sms":
        return f"holding {agent.texts} texts" if agent.texts_full else None
    if not agent.has_capacity:
        return "on a call"
    return None


def presence_words(agent: Agent) -> str:
    """The agent's presence in a trace's words ("wrapping up")."""
    return _PRESENCE_WORDS.get(agent.presence, agent.presence.value)


def proficiency(agent: Agent, contact: Contact) -> int:
    """The agent's total proficiency over the contact's skills (0 when none are required)."""
    return sum(agent.proficiency(skill) for skill in contact.skills)
