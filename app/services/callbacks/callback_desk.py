"""Calling a callback's customer: only when the agent who accepted it decides to.

Caller ID is easy to spoof, so accepting a callback places no call: it makes the contact
the agent's (busy) and shows them the number, its country and type, and the task's story
(``app.services.callbacks.callback_view``). ``call_back`` then places the call, once per acceptance;
if Twilio fails, the agent is told and may try again, and the callback stays theirs. An
agent who judges the number suspicious wraps the contact up without calling.

A callback accepted and never dialed is not lost: when its agent logs out, sets themselves
offline, or stops sending heartbeats, it goes back to its place in line (``release``, run
on those events and by the offer sweep), for the next agent to judge.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store
from app.models import Agent as AgentRow
from app.models import Direction, Interaction, InteractionChannel, Task, TaskStatus
from app.services.agents import offers
from app.services.agents.desk_errors import DeskError
from app.services.callbacks import callback_legs, callback_policy, callback_view
from app.services.calls import queueing
from app.twilio.gateway import twilio_gateway
from routing.model import Presence
from routing.store import EntryState, QueueEntry, RemovalReason

log = logging.getLogger(__name__)

# Callbacks accepted and not dialed yet: field "<contact>|<accepted_at>" -> agent id.
UNDIALED_KEY = "helpline:callbacks:undialed"
# One call per acceptance: "" while the call is being placed, then its CallSid.
DIALING_KEY = "helpline:callbacks:dialing:%s|%s"
PLACING_SECONDS = 60  # a process that died while placing the call frees the claim
DIALED_SECONDS = 24 * 3600


def taken(entry: QueueEntry) -> None:
    """An agent accepted the callback ``entry``: it is theirs until they call or wrap up."""
    if entry.agent_id is not None and entry.accepted_at is not None:
        redis_store.client.hset(UNDIALED_KEY, _field(entry), entry.agent_id)


def refusal_of(task: Task | None, number: str) -> str:
    """Why the callback policy does not let us call ``number`` ("" when it does): refused
    when the task was made (a limit reached then), or by the policy now."""
    if task is not None and task.callback_refused:
        return task.callback_refused
    verdict = callback_policy.judge(number)
    return verdict.refusal.value if verdict.refusal else ""


def call_back(agent: AgentRow, contact_id: str) -> dict[str, Any]:
    """Place the call to the customer of the agent's accepted callback; once per acceptance."""
    agent_id = str(agent.id)
    entry = _accepted_by(agent_id, contact_id)
    task = callback_view.task_for(contact_id)
    number = task.phone if task is not None else str(entry.payload.get("phone", ""))
    if task is not None and task.status is not TaskStatus.OPEN:
        raise DeskError("this callback is already wrapped up", 409)
    refusal = refusal_of(task, number)
    if refusal:
        raise DeskError(f"this number is not called back ({refusal}): wrap the contact up", 409)
    claim = DIALING_KEY % (contact_id, repr(entry.accepted_at))
    if not redis_store.client.set(claim, "", nx=True, ex=PLACING_SECONDS):
        raise DeskError("the customer is already being called", 409)
    try:
        call_sid = _place(agent, entry, task, number)
    except DeskError:
        redis_store.client.delete(claim)  # the agent may try again
        raise
    redis_store.client.set(claim, call_sid, ex=DIALED_SECONDS)
    redis_store.client.hdel(UNDIALED_KEY, _field(entry))
    return {"contact_id": contact_id, "call_sid": call_sid, "status": "calling the customer"}


def call_ended(entry: QueueEntry) -> None:
    """The acceptance ``entry`` is over: a later acceptance of the callback may call again."""
    if callback_view.is_callback(entry) and entry.accepted_at is not None:
        redis_store.client.delete(DIALING_KEY % (entry.contact_id, repr(entry.accepted_at)))


def closed(entry: QueueEntry | None) -> None:
    """The callback was wrapped up: out of the store, so nothing keeps it live or dials it;
    a call to its customer that its agent never answered is stopped."""
    if entry is None or not callback_view.is_callback(entry):
        return
    if entry.accepted_at is not None:
        redis_store.client.hdel(UNDIALED_KEY, _field(entry))
        call_sid = redis_store.client.get(DIALING_KEY % (entry.contact_id, repr(entry.accepted_at)))
        if call_sid and entry.state is EntryState.OFFERED and entry.agent_id is not None:
            callback_legs.hang_up(_text(call_sid), _connect_url(entry.agent_id, entry))
        call_ended(entry)
    if entry.state is EntryState.OFFERED:
        queueing.store().remove(entry.contact_id, RemovalReason.CANCELLED)


def release(agent_id: str | None = None) -> int:
    """Put back in line the undialed callbacks whose agent left them (all agents' if None).

    An agent who is still busy since accepting the callback keeps it; one who logged out,
    went offline or stopped sending heartbeats (the store sets them offline) does not.
    """
    records = redis_store.client.hgetall(UNDIALED_KEY).items()
    held = [(_text(field), _text(holder)) for field, holder in records]
    return sum(_release(field, holder) for field, holder in held if agent_id in (None, holder))


def _release(field: str, holder: str) -> bool:
    """Put one undialed callback back if its agent left it; forget a record gone stale."""
    client = redis_store.client
    contact_id, _, accepted_at = field.rpartition("|")
    entry = queueing.store().entry(contact_id)
    if entry is None or not _held(entry, holder, accepted_at):
        client.hdel(UNDIALED_KEY, field)  # dialed, wrapped up or put back meanwhile
        return False
    if _on_it(holder, entry) or client.exists(DIALING_KEY % (contact_id, accepted_at)):
        return False  # still theirs, or the customer is being called
    if not queueing.store().return_offered(contact_id, holder):
        return False
    client.hdel(UNDIALED_KEY, field)
    why = f"{_name(holder)} left without calling back: back in its place"
    log.warning("%s (%s)", why, contact_id)
    offers.contact_waiting(contact_id, (why,))
    return True


def ensure_record(task: Task, agent: AgentRow) -> Interaction:
    """The interaction a callback's wrap-up is written on: the task's, else one made for it
    (a task made while the database was down has none). Not committed."""
    if task.interaction_id is not None:
        found = db.session.get(Interaction, task.interaction_id)
        if found is not None:
            return found
    record = Interaction(
        customer_id=task.customer_id,
        channel=InteractionChannel.VOICE,
        direction=Direction.OUTBOUND,
        from_number=current_app.config["TWILIO_NUMBER"][:32],
        to_number=task.phone[:32],
        agent_id=agent.id,
        details={"task_id": task.id},
    )
    db.session.add(record)
    db.session.flush()
    task.interaction_id = record.id
    return record


def public_url(path: str) -> str:
    """``path`` as Twilio reaches it: under ``PUBLIC_BASE_URL``, else this request's host."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url.rstrip("/")
    return str(base) + path


def _accepted_by(agent_id: str, contact_id: str) -> QueueEntry:
    """The callback this agent accepted and has not had called: else why not (400-409)."""
    if not contact_id:
        raise DeskError("contact_id is required", 400)
    entry = queueing.store().entry(contact_id)
    if entry is None:
        raise DeskError("no such contact", 404)
    live = entry.state in (EntryState.OFFERED, EntryState.ANSWERED)
    if live and entry.agent_id != agent_id:
        raise DeskError("this contact is not yours", 403)
    if not callback_view.is_callback(entry):
        raise DeskError("only a callback is called back: a call rings you when accepted", 409)
    if entry.state is not EntryState.OFFERED or entry.agent_id != agent_id:
        raise DeskError(f"this callback is not yours to call now ({entry.state.value})", 409)
    if entry.pending:
        raise DeskError("accept this callback before calling back", 409)
    if not _on_it(agent_id, entry):
        raise DeskError("you are not at work on this callback any more", 409)
    return entry


def _place(agent: AgentRow, entry: QueueEntry, task: Task | None, number: str) -> str:
    """Record the callback, then ask Twilio to call the customer: 502 or 503 on a fault."""
    leg = {"agent": agent.id, "c": entry.contact_id}
    try:
        if task is not None:
            ensure_record(task, agent)
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise DeskError("the database is unavailable: try again", 503) from None
    try:
        return twilio_gateway.place_call(
            number,
            current_app.config["TWILIO_NUMBER"],
            _connect_url(str(agent.id), entry),
            # A customer who does not pick up never reaches callback_connect: only this
            # says so. ``t`` ties the report to this acceptance, not a later one.
            status_callback=public_url(
                url_for("voice.callback_status", **leg, t=repr(entry.accepted_at))
            ),
        )
    except Exception:
        log.exception("Twilio could not place the callback %s", entry.contact_id)
        raise DeskError(
            "Twilio could not place the call; the callback is still yours: try again", 502
        ) from None


def _connect_url(agent_id: str, entry: QueueEntry) -> str:
    """Where the customer's call goes when they pick up: ``t`` names this acceptance, so a
    call placed for an earlier one is never put through to a later one."""
    leg = {"agent": agent_id, "c": entry.contact_id, "t": repr(entry.accepted_at)}
    return public_url(url_for("voice.callback_connect", **leg))


def _held(entry: QueueEntry, agent_id: str, accepted_at: str) -> bool:
    """Whether ``entry`` is still the accepted offer the record speaks of."""
    return (
        entry.state is EntryState.OFFERED
        and entry.agent_id == agent_id
        and repr(entry.accepted_at) == accepted_at
    )


def _on_it(agent_id: str, entry: QueueEntry) -> bool:
    """Whether the agent has been busy since accepting ``entry``, and nothing else since."""
    presence = queueing.store().presence(agent_id)
    return (
        presence is not None
        and presence.state is Presence.BUSY
        and presence.since == entry.accepted_at
    )


def _field(entry: QueueEntry) -> str:
    return f"{entry.contact_id}|{entry.accepted_at!r}"


def _name(agent_id: str) -> str:
    agent = offers.agent_profiles([agent_id]).get(agent_id)
    return agent.name if agent is not None else f"agent {agent_id}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
