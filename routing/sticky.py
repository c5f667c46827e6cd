"""Sticky routing: a returning caller waits a little for the agent they last spoke to.

The rule: when the caller's last contact was answered by agent X less than
``sticky_window_days`` before this contact arrived, X is at work (logged in and available,
busy or wrapping up; not away, not offline) and X could take this contact (skills and language), the
contact is reserved for X until ``sticky_wait_seconds`` after it arrived. While reserved it
is offered to X alone, as soon as X is free; no other agent takes it. After that, or at
once when X is away, offline or unable to take it, the pool widens to every eligible agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing import trace
from routing.eligibility import cannot_take, presence_words
from routing.model import SECONDS_PER_DAY, Agent, Contact
from routing.weights import Weights


@dataclass(frozen=True)
class Sticky:
    """What the sticky rule says for one contact: a reservation or none, and why."""

    agent: Agent | None = None
    until: float | None = None
    note: str | None = None


NOT_STICKY = Sticky()


def sticky(contact: Contact, roster: Mapping[str, Agent], now: float, weights: Weights) -> Sticky:
    """Apply the sticky rule (module docstring) at ``now``; ``roster`` maps agent ids to agents."""
    history = contact.history
    if history.last_agent_id is None or history.last_contact_at is None:
        return NOT_STICKY
    agent = roster.get(history.last_agent_id)
    since = contact.arrived_at - history.last_contact_at
    name = agent.name if agent is not None else f"#{history.last_agent_id}"
    who = f"last agent {name} ({trace.ago(since)})"
    if since > weights.sticky_window_days * SECONDS_PER_DAY:
        return Sticky(note=f"{who}: over {weights.sticky_window_days:g} days ago, any agent")
    if agent is None or not agent.working:
        state = "offline" if agent is None else presence_words(agent)
        return Sticky(note=f"{who} is {state}: any agent")
    refusal = cannot_take(agent, contact)
    if refusal is not None:
        return Sticky(note=f"{who} {refusal}: any agent")
    until = contact.arrived_at + weights.sticky_wait_seconds
    wait = trace.seconds(weights.sticky_wait_seconds)
    if now >= until:
        return Sticky(note=f"sticky wait over ({wait} for {name}): any agent")
    return Sticky(agent, until, f"{who}: waiting up to {wait} for {name}")
