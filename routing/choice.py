"""Queue and agent choice: who may serve which queue, and who takes which contact.

The best agent for a contact, among those eligible (every required skill, the contact's
language, available with a free voice line and no other offer pending): the highest total
proficiency over the contact's skills first, then the longest idle (earliest
``idle_since``), then the lowest id. Proficiency comes first so that hard calls reach the
strongest agents; among equals the longest idle spreads the work. Sticky routing
(routing.sticky) comes before all of this. The trace says why the chosen agent won:
"best of 3 eligible: Ana (billing 5/5, idle 340 s, speaks es)".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from routing import trace
from routing.eligibility import can_serve, cannot_take, not_free, presence_words, proficiency
from routing.errors import NotEligible
from routing.model import MAX_PROFICIENCY, Agent, Contact, Decision, Presence, QueueConfig
from routing.sticky import sticky
from routing.weights import Weights

MAX_SKIPS_SHOWN = 10


def queues_for(agent: Agent, queues: Iterable[QueueConfig]) -> tuple[QueueConfig, ...]:
    """The queues the agent may serve: every required skill, and the queue's language."""
    return tuple(queue for queue in queues if can_serve(agent, queue))


def is_staffed(queue: QueueConfig, agents: Iterable[Agent]) -> bool:
    """Whether any agent at work (available, busy or wrapping up) can serve the queue."""
    return any(agent.working and can_serve(agent, queue) for agent in agents)


def overflow_reason(queue: QueueConfig, waited: float, agents: Iterable[Agent]) -> str | None:
    """Why a caller should leave ``queue`` for its overflow now, or None to keep waiting."""
    target = queue.overflow or "the fallback line"
    if not is_staffed(queue, agents):
        return f"no agent at work for {queue.name}: overflow to {target}"
    if waited >= queue.max_wait_seconds:
        limit = trace.seconds(queue.max_wait_seconds)
        return f"waited {trace.seconds(waited)}, {queue.name} allows {limit}: overflow to {target}"
    return None


def rank_agents(contact: Contact, agents: Iterable[Agent]) -> tuple[Agent, ...]:
    """Agents who may take the contact now, best first (see the module docstring)."""
    eligible = [
        a for a in agents if cannot_take(a, contact) is None and not_free(a, contact) is None
    ]
    return tuple(sorted(eligible, key=lambda a: (-proficiency(a, contact), a.idle_since, a.id)))


def choose_agent(
    contact: Contact, agents: Iterable[Agent], now: float, weights: Weights
) -> Decision:
    """The agent to offer the contact to now, or why it waits; sticky routing first."""
    roster = {agent.id: agent for agent in agents}
    rule = sticky(contact, roster, now, weights)
    lines = [rule.note] if rule.note else []
    if rule.agent is not None and rule.until is not None:
        if rule.agent.has_capacity:
            lines.append(f"offer to {rule.agent.name}")
            return Decision(trace=tuple(lines), agent=rule.agent, contact=contact)
        lines.append(f"{rule.agent.name} is {presence_words(rule.agent)}")
        return Decision(
            trace=tuple(lines), contact=contact, reserved_for=rule.agent, reserved_until=rule.until
        )
    ranked = rank_agents(contact, roster.values())
    refused = _refusals(contact, roster.values())
    if not ranked:
        lines.append(f"no agent available ({refused or 'no agent at work'})")
        return Decision(trace=tuple(lines), contact=contact)
    best = ranked[0]
    others = f"; not eligible: {refused}" if refused else ""
    lines.append(
        f"best of {len(ranked)} eligible: {best.name} ({_why(best, contact, now)}){others}"
    )
    return Decision(trace=tuple(lines), agent=best, contact=contact)


def _why(agent: Agent, contact: Contact, now: float) -> str:
    """The agent's level in each of the contact's skills, idle time, and a language not English."""
    parts = [f"{skill} {agent.proficiency(skill)}/{MAX_PROFICIENCY}" for skill in contact.skills]
    parts.append(f"idle {trace.seconds(now - agent.idle_since)}")
    if contact.language != "en":
        parts.append(f"speaks {contact.language}")
    return ", ".join(parts)


def choose_contact(
    agent: Agent, waiting: Iterable[Contact], agents: Iterable[Agent], now: float, weights: Weights
) -> Decision:
    """The contact the agent should take now from ``waiting`` (already in serving order).

    Contacts the agent cannot take, and contacts reserved for another agent by sticky
    routing, are skipped; the first other one is taken. A contact reserved for this agent
    is taken in its turn, never ahead of it, so the starvation bound still holds for every
    contact not waiting on a reservation (a reservation lasts sticky_wait_seconds at most).
    """
    refusal = not_free(agent)
    if refusal is not None:
        return Decision(trace=(f"{agent.name} is {refusal}: nothing offered",), agent=agent)
    roster = {other.id: other for other in agents}
    roster[agent.id] = agent
    skips: list[str] = []
    for contact in waiting:
        reason = _skip_reason(agent, contact, roster, now, weights)
        if reason is None:
            took = f"take {contact.id} from {contact.queue}: next in priority order"
            return Decision(trace=(*_shown(skips), took), agent=agent, contact=contact)
        skips.append(f"skip {contact.id}: {reason}")
    nothing = f"nothing waiting that {agent.name} may take"
    return Decision(trace=(*_shown(skips), nothing), agent=agent)


def check_can_take(agent: Agent, contact: Contact) -> None:
    """Raise NotEligible unless the agent may take this contact now (accepting a given one)."""
    reason = cannot_take(agent, contact) or not_free(agent, contact)
    if reason is not None:
        raise NotEligible(agent.name, contact.id, reason)


def after_missed_offer(agent: Agent) -> Agent:
    """The agent after missing an offer: set away, so nobody rings an empty desk again."""
    return replace(agent, presence=Presence.AWAY)


def _skip_reason(
    agent: Agent, contact: Contact, roster: dict[str, Agent], now: float, weights: Weights
) -> str | None:
    """Why the agent passes over this contact, or None to take it."""
    refusal = cannot_take(agent, contact)
    if refusal is not None:
        return f"{agent.name} {refusal}"
    if contact.kind == "sms" and agent.texts_full:
        return f"{agent.name} holds {agent.texts} texts"
    rule = sticky(contact, roster, now, weights)
    if rule.agent is not None and rule.until is not None and rule.agent.id != agent.id:
        left = trace.seconds(rule.until - now)
        return f"waiting for last agent {rule.agent.name} ({left} left)"
    return None


def _refusals(contact: Contact, agents: Iterable[Agent]) -> str:
    """Why the other agents are not eligible, counted: "2 busy, 1 lacks billing"."""
    reasons = Counter(
        reason
        for agent in agents
        if (reason := cannot_take(agent, contact) or not_free(agent, contact)) is not None
    )
    return ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())


def _shown(skips: Sequence[str]) -> tuple[str, ...]:
    """The skip lines, the first few in full and the rest counted."""
    if len(skips) <= MAX_SKIPS_SHOWN:
        return tuple(skips)
    hidden = len(skips) - MAX_SKIPS_SHOWN
    return (*skips[:MAX_SKIPS_SHOWN], f"... and {hidden} more skipped")
