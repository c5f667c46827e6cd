"""What an agent does: log in, say whether they are available, take a contact.

Routing offers each contact to the best agent (``app.services.agents.offers``); the agent sees the
offer (``app.services.agents.desk_view``), accepts or declines it. Accepting takes the pending
offer (or, with none, the best contact waiting: the pull of old) atomically in Redis. A
live caller is then brought to the agent by Twilio; if Twilio cannot, the caller keeps
their place in line. A callback is only made the agent's: they see the number and call
back when they judge it right (``app.services.callbacks.callback_desk``). Wrapping up is in
``app.services.agents.wrap_up``.
"""

from __future__ import annotations

import functools
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import User
from app.services.agents import desk_contact, offers
from app.services.agents.desk_errors import DeskError as DeskError
from app.services.agents.desk_view import offer_for as offer_for
from app.services.agents.desk_view import served_queues as served_queues
from app.services.agents.desk_view import waiting_for as waiting_for
from app.services.callbacks import callback_desk, callback_view
from app.services.calls import queueing, twilio_queues
from app.services.calls.routing_data import agent_profile, contact_of
from app.twilio.gateway import twilio_gateway
from routing import SMS_PREFIX, NotEligible, cannot_take
from routing.model import Presence
from routing.store import QueueEntry, TakeResult, TakeStatus

log = logging.getLogger(__name__)

# What an accepted callback waits for: the agent's decision, not a call placed at once.
DECIDE = "accepted: check the number, then call the customer back or wrap up without calling"
# What an accepted SMS conversation waits for: the agent's reply in its thread.
TEXT = "accepted: reply in the text thread (GET /api/agent/texts/<id>)"


@dataclass(frozen=True)
class Offer:
    """A contact now the agent's, how it is being connected, and a callback's view."""

    entry: QueueEntry
    connecting: str
    callback: dict[str, Any] | None = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, if any."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        # As slow as a wrong password, so the time taken does not tell who has a login.
        check_password_hash(_unknown_user_hash(), password)
        return None
    # The password first, inactive or not: the same work again.
    if not user.check_password(password) or not user.active:
        return None
    return user


@functools.cache
def _unknown_user_hash() -> str:
    """A hash made like users' own (same method and cost) of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(16))


def agent_of(user: User) -> AgentRow:
    """The routing profile of ``user``; 403 for staff who take no contacts."""
    if user.agent is None:
        raise DeskError("this login has no agent profile", 403)
    return user.agent


def set_presence(agent: AgentRow, state: str) -> dict[str, Any]:
    """Available, away, offline...: routing offers contacts only to available agents."""
    try:
        presence = Presence(state)
    except ValueError:
        raise DeskError(f"unknown presence {state!r}", 400) from None
    live = queueing.store().set_presence(str(agent.id), presence, served_queues(agent))
    if presence is not Presence.BUSY:  # a callback they never dialed goes back in line
        callback_desk.release(str(agent.id))
    if presence is Presence.AVAILABLE:
        offers.agent_free(str(agent.id))
    else:
        offers.agent_left(str(agent.id), agent.name)
    return {"state": live.state.value, "queues": list(live.queues)}


def heartbeat(agent: AgentRow) -> bool:
    """Keep the agent's presence alive; False once they have been set offline."""
    return queueing.store().heartbeat(str(agent.id))


def decline(agent: AgentRow) -> dict[str, Any]:
    """Decline the pending offer: it goes to the next best agent; the agent stays available."""
    entry = offers.decline(str(agent.id), agent.name)
    if entry is None:
        raise DeskError("no offer is waiting for you", 404)
    return {"contact_id": entry.contact_id, "declined": True}


def accept(agent: AgentRow, contact_id: str | None = None) -> Offer:
    """Take the pending offer (else a named contact, else the best): a caller is connected,
    a callback becomes the agent's to judge and call back."""
    agent_id = str(agent.id)
    owed = desk_contact.owed(agent_id)
    if owed is not None:
        raise DeskError(f"wrap up your contact {owed} before taking another", 409)
    if contact_id:
        _check_skills(agent, contact_id)
    why = "chose it from the queue" if contact_id else "took the next in the queue"
    queues = served_queues(agent)
    if not contact_id:
        contact_id = _next_for(agent, queues)
    result = queueing.store().accept(agent_id, queues, contact_id, [f"{agent.name} {why}"])
    entry = _accepted(result)
    if entry.contact_id.startswith(SMS_PREFIX):
        return _take_text(agent, entry)
    if callback_view.is_callback(entry):
        offer = _take_callback(agent, entry)
        desk_contact.remember(agent_id, entry)
        return offer
    try:
        connecting = _connect(agent, entry)
    except Exception:
        _put_back(agent, entry, f"Twilio could not connect it to {agent.name}")
        log.exception(
            "could not connect %s to agent %s; it keeps its place", entry.contact_id, agent_id
        )
        raise DeskError(
            "Twilio could not connect the call; it keeps its place in line", 502
        ) from None
    desk_contact.remember(agent_id, entry)
    return Offer(entry, connecting)


def _take_text(agent: AgentRow, entry: QueueEntry) -> Offer:
    """An SMS conversation is the agent's to answer in its thread; it takes no voice line,
    owes no wrap-up here (closing it is its wrap-up), and the agent may take more."""
    from app.services.texting import handover  # texting builds on the desk, not the reverse

    handover.taken(agent.id, entry)
    offers.agent_free(str(agent.id))
    return Offer(entry, TEXT)


def _take_callback(agent: AgentRow, entry: QueueEntry) -> Offer:
    """The callback is the agent's (busy): what they need to judge the number; no call yet."""
    callback_desk.taken(entry)
    try:
        view = callback_view.describe([entry])[entry.contact_id]
    except SQLAlchemyError:
        db.session.rollback()
        _put_back(agent, entry, f"its record could not be read for {agent.name}")
        log.exception("could not read callback %s; it keeps its place", entry.contact_id)
        raise DeskError("the database is unavailable; the callback keeps its place", 503) from None
    return Offer(entry, DECIDE, view)


def _next_for(agent: AgentRow, queues: list[str]) -> str | None:
    """The best waiting contact this agent may take (skills, language, no other agent's
    hold), when they are free to take one; None leaves the choice to the store, which
    answers for an agent who is not available or has an offer pending.

    The store's own pick goes by serving order alone: an agent without Spanish must not
    be handed the Spanish caller at the head of the line.
    """
    store = queueing.store()
    agent_id = str(agent.id)
    presence = store.presence(agent_id)
    if presence is None or presence.state is not Presence.AVAILABLE or presence.offer:
        return None
    profile = agent_profile(agent)
    now = store.now()
    for entry in offers.waiting_in(queues):
        held = entry.reservation
        if held is not None and held.agent_id != agent_id and held.until > now:
            continue
        if agent_id not in entry.declined and cannot_take(profile, contact_of(entry)) is None:
            return entry.contact_id
    raise DeskError("nobody you can serve is waiting in your queues", 404)


def _check_skills(agent: AgentRow, contact_id: str) -> None:
    """404 for an unknown contact; NotEligible (403) without its skills or language."""
    current = queueing.store().entry(contact_id)
    if current is None:
        raise DeskError("no such contact", 404)
    reason = cannot_take(agent_profile(agent), contact_of(current))
    if reason is not None:
        raise NotEligible(agent.name, contact_id, reason)


def _accepted(result: TakeResult) -> QueueEntry:
    """The accepted entry, or the DeskError that says why there is none."""
    if result.ok and result.entry is not None:
        return result.entry
    status = result.status
    if status is TakeStatus.UNAVAILABLE:
        raise DeskError("set yourself available before taking a contact", 409)
    if status is TakeStatus.HOLDING:
        raise DeskError("a contact is offered to you: accept or decline it first", 409)
    if status is TakeStatus.FULL:
        raise DeskError("you hold as many texts as you may: close one first", 409)
    if status is TakeStatus.EMPTY:
        raise DeskError("nobody is waiting in your queues", 404)
    if status is TakeStatus.NOT_FOUND:
        raise DeskError("no such contact", 404)
    raise DeskError(f"that contact is {status.value}: someone else has it", 409)


def _put_back(agent: AgentRow, entry: QueueEntry, why: str) -> None:
    """A fault: the contact keeps its place, the agent is free, others may take it."""
    agent_id = str(agent.id)
    queueing.store().return_offered(entry.contact_id, agent_id)
    queueing.store().set_presence(agent_id, Presence.AVAILABLE, served_queues(agent))
    offers.contact_waiting(entry.contact_id, (why,), excluding={agent_id})


def _connect(agent: AgentRow, entry: QueueEntry) -> str:
    """Ask Twilio to take the caller out of its queue to ring the agent."""
    # ``l``: the caller goes on hearing their own language, even back in line.
    language = str(entry.payload.get("language", "en"))
    leg = {"agent": agent.id, "c": entry.contact_id, "q": entry.queue, "l": language}
    url = callback_desk.public_url(url_for("voice.connect", **leg))
    queue_sid = twilio_queues.twilio_queue(entry.queue)
    if queue_sid:
        twilio_gateway.redirect_queue_member(queue_sid, entry.contact_id, url)
    else:
        twilio_gateway.redirect_call(entry.contact_id, url)
    return "connecting the caller"
