"""Transferring a live call: to a queue, or to a named agent through their queue.

The caller's call is redirected by Twilio (a Calls update with a ``Url``) to TwiML that
puts them in the target queue (``requeue``), keeping their priority and arrival, as an
overflow does; a call for a named agent is held for them a while (a sticky reservation)
and offered to them if they are free. As in Flex, the transferring agent's part ends there
and they owe its wrap-up (``finish_transferred``): until then they take no other contact.
The call's record keeps each transfer in ``details["transfers"]`` with that agent's code
and notes; the call's own wrap-up is the last agent's.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import url_for
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioRestException
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction, utcnow
from app.services.agents import desk_contact, drafts, offers
from app.services.agents.desk_errors import DeskError
from app.services.agents.desk_view import served_queues
from app.services.callbacks.callback_desk import public_url
from app.services.calls import calls, queueing, twilio_queues
from app.services.calls.hold_messages import say_text
from app.services.calls.routing_data import queue_configs
from app.twilio.gateway import twilio_gateway
from app.twilio.ivr_twiml import locale
from routing.model import Presence
from routing.store import EntryState, Reservation

log = logging.getLogger(__name__)

HELD_FOR_AGENT_SECONDS = 60  # a caller sent to an agent waits for them alone this long
NOT_IN_PROGRESS = 21220  # Twilio: "Call is not in-progress. Cannot redirect."


def transfer(agent: AgentRow, contact_id: str, queue: str, to_agent: object) -> dict[str, Any]:
    """Send my live call to ``queue`` or to agent ``to_agent``; my part then waits for its
    wrap-up."""
    entry = _my_live_call(str(agent.id), contact_id)
    target_agent = _target_agent(agent, to_agent) if to_agent is not None else None
    target_queue = _target_queue(queue, entry.queue, target_agent)
    language = str(entry.payload.get("language", "en"))
    leg: dict[str, Any] = {"q": target_queue, "l": language, "by": agent.id}
    if target_agent is not None:
        leg["agent"] = target_agent.id
    _redirect(contact_id, public_url(url_for("voice.transfer", **leg)))
    target = {
        "queue": target_queue,
        "agent_id": target_agent.id if target_agent else None,
        "agent": target_agent.name if target_agent else None,
        "at": utcnow().isoformat(timespec="seconds"),
    }
    desk_contact.mark_transferred(str(agent.id), contact_id, target)
    _note_transfer(contact_id, agent, target)
    queueing.store().set_presence(str(agent.id), Presence.WRAP_UP, served_queues(agent))
    return {"contact_id": contact_id, "transferred_to": target, "state": "wrap_up"}


def _my_live_call(agent_id: str, contact_id: str) -> Any:
    """My answered call ``contact_id``: 400 without one, 403 if not mine, 409 if not live."""
    if not contact_id:
        raise DeskError("contact_id is required", 400)
    record = desk_contact.current(agent_id)
    if record is None or record["contact_id"] != contact_id:
        raise DeskError("this contact is not yours", 403)
    if record["transferred"] is not None:
        raise DeskError("you have transferred this call already: wrap it up", 409)
    if record["kind"] != "call":
        raise DeskError("only a live call is transferred; call a callback back instead", 409)
    entry = queueing.store().entry(contact_id)
    if entry is None or entry.state is not EntryState.ANSWERED:
        raise DeskError("this call is not connected to you: answer it first", 409)
    record_row = calls.interaction_for(db.session, contact_id)
    if record_row is not None and record_row.ended_at is not None:
        raise DeskError("the call has already ended", 409)
    return entry


def _target_agent(agent: AgentRow, to_agent: object) -> AgentRow:
    """The agent named by id: 400 for an unknown one, or for myself."""
    if isinstance(to_agent, bool) or not isinstance(to_agent, int | str):
        raise DeskError("agent_id must be an agent's id", 400)
    text = str(to_agent)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
        raise DeskError("agent_id must be an agent's id", 400)
    target = db.session.get(AgentRow, int(text))
    if target is None or not target.user.active:
        raise DeskError("no such agent", 400)
    if target.id == agent.id:
        raise DeskError("you cannot transfer a call to yourself", 400)
    return target


def _target_queue(queue: str, current: str, target_agent: AgentRow | None) -> str:
    """The queue named (400 if unknown); for an agent, the call's queue if they serve it,
    else the first they serve."""
    if target_agent is None:
        if not queue:
            raise DeskError("name a queue or an agent_id to transfer to", 400)
        if queue not in queue_configs(db.session):
            raise DeskError("no such queue", 400)
        return queue
    theirs = served_queues(target_agent)
    if not theirs:
        raise DeskError(f"{target_agent.name} serves no queue", 400)
    return current if current in theirs else theirs[0]


def _redirect(contact_id: str, url: str) -> None:
    """Ask Twilio to move the caller: 409 for a call that ended meanwhile, 502 otherwise."""
    try:
        twilio_gateway.redirect_call(contact_id, url)
    except TwilioRestException as error:
        if error.code == NOT_IN_PROGRESS or error.status == 404:
            raise DeskError("the call has already ended", 409) from None
        log.warning("Twilio refused to transfer %s: %s", contact_id, error.code)
        raise DeskError("Twilio could not transfer the call; it is still with you", 502) from None
    except Exception:
        log.exception("could not transfer %s", contact_id)
        raise DeskError("Twilio could not transfer the call; it is still with you", 502) from None


def _note_transfer(contact_id: str, agent: AgentRow, target: dict[str, Any]) -> None:
    """The transfer on the call's record (best effort: the call has moved already)."""
    try:
        record = calls.interaction_for(db.session, contact_id)
        if record is not None:
            details = dict(record.details or {})
            step = {"from_agent_id": agent.id, **target, "wrap_up": None}
            details["transfers"] = [*details.get("transfers", []), step]
            record.details = details
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("the transfer of %s is not on its record", contact_id)


def finish_transferred(
    agent: AgentRow, contact_id: str, wrap_up_code: str, notes: str
) -> dict[str, Any]:
    """Wrap up my part of a call I transferred: my code and notes on its transfer, my
    handle time counted, available again."""
    agent_id = str(agent.id)
    record = desk_contact.current(agent_id)
    assert record is not None  # the caller checked that it is my transferred contact
    row = calls.interaction_for(db.session, contact_id)
    if row is not None:
        _wrap_up_transfer(row, agent.id, wrap_up_code, notes)
        db.session.commit()
    accepted_at = float(record.get("accepted_at") or queueing.store().now())
    queueing.store().record_handle_time(record["queue"], queueing.store().now() - accepted_at)
    desk_contact.forget(agent_id, contact_id)
    drafts.clear(agent_id, contact_id)
    presence = queueing.store().presence(agent_id)
    if presence is None or presence.state is not Presence.WRAP_UP:
        return {"contact_id": contact_id, "state": presence.state.value if presence else "offline"}
    queueing.store().set_presence(agent_id, Presence.AVAILABLE, served_queues(agent))
    offers.agent_free(agent_id)
    return {"contact_id": contact_id, "state": Presence.AVAILABLE.value}


def _wrap_up_transfer(row: Interaction, agent_id: int, code: str, notes: str) -> None:
    """My code and notes on my latest transfer of this call (not committed)."""
    details = dict(row.details or {})
    transfers = [dict(step) for step in details.get("transfers", [])]
    mine = [step for step in transfers if step.get("from_agent_id") == agent_id]
    if mine:
        mine[-1]["wrap_up"] = {
            "code": code[:32],
            "notes": notes[:10_000],
            "at": utcnow().timestamp(),
        }
    details["transfers"] = transfers
    row.details = details


def requeue(call_sid: str, queue: str, language: str, by: str, to_agent: str = "") -> str:
    """The transferred caller's TwiML: in ``queue`` with their priority kept, held for and
    offered to ``to_agent`` if one is named. A replay finds them waiting and adds nothing."""
    store = queueing.store()
    entry = store.entry(call_sid)
    if entry is not None and entry.state is EntryState.ANSWERED:
        why = f"transferred to {to_agent and f'agent {to_agent} in '}{queue} by agent {by}"
        held = Reservation(to_agent, store.now() + HELD_FOR_AGENT_SECONDS) if to_agent else None
        trace = [*entry.payload.get("trace", []), why]
        # The target queue's own skills, as an overflow: not the first queue's needs.
        skills = list(queueing.config_for(queue).skills)
        payload = {**entry.payload, "skills": skills, "trace": trace}
        store.enqueue(
            call_sid, queue, score=entry.score, arrival=entry.arrival, payload=payload,
            reservation=held,
        )  # fmt: skip
        if not (to_agent and store.offer(call_sid, to_agent, [why]).ok):
            offers.contact_waiting(call_sid, (why,), excluding={by})
    response = VoiceResponse()
    key = "to_fallback" if to_agent else "overflow"
    response.say(say_text(language, key), language=locale(language))
    twilio_queues.enqueue_twiml(response, queue, language)
    return str(response)
