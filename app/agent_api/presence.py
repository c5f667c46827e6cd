"""Which presence an agent may choose through the API, and when.

Agents choose available, away and offline; calls set busy and wrap-up. An agent on a call
(busy) may log out, but may become neither available, which would let routing offer them a
second caller (one voice contact at a time), nor away, one step from available. Wrapping
up the call (``POST /api/agent/finish``) is what makes them available again. A callback
they accepted keeps them busy the same way until they wrap it up; one they log out without
dialing goes back in line (``app.services.callbacks.callback_desk``).
"""

from __future__ import annotations

from typing import Any

from app.models import Agent as AgentRow
from app.services.agents import agent_desk, desk_contact
from app.services.agents.agent_desk import DeskError
from app.services.calls import queueing
from routing.model import Presence

CHOSEN_BY_AGENTS = frozenset({Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE})


def choose_presence(agent: AgentRow, state: object) -> dict[str, Any]:
    """Set the state the agent chose: 400 if agents do not choose it, 409 while on a call."""
    wanted = _chosen(state)
    current = queueing.store().presence(str(agent.id))
    if current is not None and refused_on_a_call(current.state, wanted):
        raise DeskError("you are on a call: wrap it up first", 409)
    owed = desk_contact.owed(str(agent.id)) if wanted is Presence.AVAILABLE else None
    if owed is not None:  # routing would offer contacts they may not take
        raise DeskError(f"wrap up your contact {owed} before becoming available", 409)
    return agent_desk.set_presence(agent, wanted.value)


def refused_on_a_call(current: Presence, wanted: Presence) -> bool:
    """Whether an agent in ``current`` may not switch to ``wanted``: busy only logs out."""
    return current is Presence.BUSY and wanted is not Presence.OFFLINE


def _chosen(state: object) -> Presence:
    """The presence named, if agents choose it; 400 for any other value."""
    if isinstance(state, str) and state in CHOSEN_BY_AGENTS:
        return Presence(state)
    choices = ", ".join(sorted(CHOSEN_BY_AGENTS))
    raise DeskError(f"state must be one of {choices}; calls set busy and wrap_up", 400)
