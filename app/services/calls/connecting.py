"""Bringing a caller and an agent together, and what happens when a leg goes unanswered.

A caller waiting in Twilio's queue is brought to the agent who accepts them; a callback's
customer is called once its agent asks for it (``app.services.callbacks.callback_desk``),
and put through only while the callback is still that agent's (``callback_legs``). An agent
who does not answer is set away and the contact goes back to its place. A caller who hangs
up while the agent's phone rings, or a customer who does not pick up a callback (or picks
up and hangs up before the agent answers), is nobody's fault: the agent is available
again. A callback whose customer was not reached leaves the live queue with its task open;
the offer sweep puts it back in line about an hour later, when the store forgets it, in
its place by the task's age, for an agent to judge and call again. After
``CALLBACK_ATTEMPTS`` such calls it stays out, and its task waits for a person to handle
it. Everything the caller hears is in the caller's language.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app, url_for
from twilio.twiml.voice_response import Dial, VoiceResponse

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction, utcnow
from app.services.agents import offers, wrap_up
from app.services.callbacks import callback_desk, callback_legs, callback_view
from app.services.callbacks.callback_attempts import CALLBACK_ATTEMPTS, count_attempt, not_reached
from app.services.callbacks.callback_attempts import given_up as given_up
from app.services.calls import calls, queueing, twilio_queues
from app.services.calls.hold_messages import say_text
from app.twilio.ivr_twiml import locale
from routing.model import Presence
from routing.store import EntryState, QueueEntry, RemovalReason

log = logging.getLogger(__name__)

RING_SECONDS = 20
ANSWERED = {"completed", "answered"}  # DialCallStatus values after the agent talked
# How a contact left while its agent's phone rang: the caller hung up or went elsewhere.
GONE = {EntryState.ABANDONED, EntryState.OVERFLOWED, EntryState.CANCELLED}


def connect(agent_id: str, contact_id: str, queue: str, language: str = "en") -> str:
    """The caller's TwiML once taken out of the queue: ring the agent."""
    agent = _agent(agent_id)
    response = VoiceResponse()
    response.say(say_text(language, "connecting"), language=locale(language))
    action = url_for("voice.connect_result", agent=agent_id, c=contact_id, q=queue, l=language)
    dial = _ring(agent, agent_id, contact_id, action)
    response.append(dial)
    return str(response)


def agent_answered(agent_id: str, contact_id: str) -> str:
    """Runs on the agent's leg when they pick up: the call counts as answered."""
    answered = queueing.store().answer(contact_id, agent_id)
    interaction = _interaction(contact_id)
    if interaction is not None:
        interaction.agent_id = int(agent_id) if agent_id.isdigit() else None
        interaction.outcome = "answered"
        details = dict(interaction.details or {})
        details["answered_at"] = utcnow().timestamp()
        if answered is not None:
            details["speed_of_answer"] = round(answered.speed_of_answer, 1)
            # Why this agent got the call, kept with the record next to the priority trace.
            why = list(answered.entry.offer_trace)
            details["routing"] = {**details.get("routing", {}), "offer_trace": why}
        interaction.details = details
        db.session.commit()
    response = VoiceResponse()
    response.say("Caller connected.")
    return str(response)


def after_ring(
    agent_id: str, contact_id: str, queue: str, language: str, form: Mapping[str, str]
) -> str:
    """After the agent's leg: done if they talked or the caller left; else back in line."""
    if form.get("DialCallStatus") in ANSWERED:
        return str(VoiceResponse())
    entry = queueing.store().entry(contact_id)
    if form.get("CallStatus") in calls.FINAL_STATUSES or (
        entry is not None and entry.state in GONE
    ):
        _caller_hung_up(agent_id, contact_id, entry)
        return str(VoiceResponse())
    _missed(agent_id, contact_id, entry, "the call")
    response = VoiceResponse()
    response.say(say_text(language, "agent_missed"), language=locale(language))
    twilio_queues.enqueue_twiml(response, queue, language)
    return str(response)


def callback_answered(agent_id: str, contact_id: str, accepted_at: str = "") -> str:
    """The customer picked up our callback: tell them who we are and ring the agent, if the
    callback is still theirs (``callback_legs``); else an apology and what happens next."""
    language = _language(queueing.store().entry(contact_id))
    if not callback_legs.live_with(agent_id, contact_id, accepted_at):
        log.warning("%s picked up, but agent %s no longer has it", contact_id, agent_id)
        return callback_legs.not_put_through(contact_id, language)
    response = VoiceResponse()
    response.say(say_text(language, "callback_hello"), language=locale(language))
    action = url_for("voice.callback_result", agent=agent_id, c=contact_id)
    dial = _ring(_agent(agent_id), agent_id, contact_id, action)
    response.append(dial)
    return str(response)


def after_callback(agent_id: str, contact_id: str, form: Mapping[str, str]) -> str:
    """The callback's agent leg ended: a missed one waits for another agent, its agent away;
    a customer who hung up while it rang counts as not reached (``callback_ended``)."""
    response = VoiceResponse()
    if form.get("DialCallStatus") in ANSWERED:
        return str(response)
    if form.get("CallStatus") in calls.FINAL_STATUSES:  # the customer hung up: retry later
        callback_ended(agent_id, contact_id, form)
        return str(response)
    entry = queueing.store().entry(contact_id)
    _missed(agent_id, contact_id, entry, "the callback")
    language = _language(entry)
    response.say(say_text(language, "callback_missed"), language=locale(language))
    return str(response)


def callback_ended(
    agent_id: str, contact_id: str, form: Mapping[str, str], accepted_at: str = ""
) -> None:
    """The call to a callback's customer ended: if nobody talked, try again in an hour.

    Twilio's status callback is the only word of a customer who never picked up. A
    customer who picked up and hung up while the agent's phone rang counts too. Only the
    first report of the acceptance ``accepted_at`` changes anything (a replay, or a late
    report after the callback was taken again, finds it no longer offered as it was).
    """
    status = form.get("CallStatus", "")
    store = queueing.store()
    entry = store.entry(contact_id)
    if status not in calls.FINAL_STATUSES or entry is None or entry.accepted_at is None:
        return
    if _float(accepted_at) not in (None, entry.accepted_at):
        return
    if not store.return_offered(contact_id, agent_id):
        return  # answered, already back in line, or someone else's now
    callback_desk.call_ended(entry)
    freed = _end_busy(agent_id, entry, Presence.AVAILABLE)
    attempts = count_attempt(contact_id, form.get("CallSid", ""), status, store.now(), agent_id)
    if attempts >= CALLBACK_ATTEMPTS:
        _give_up(contact_id, attempts)
    else:
        _retry_later(contact_id, f"{not_reached(status)}: call {attempts} of {CALLBACK_ATTEMPTS}")
    if freed:
        offers.agent_free(agent_id)


def _retry_later(contact_id: str, why: str) -> None:
    """Out of the live queue, its task open: the offer sweep puts it back in line, by the
    task's age, once the store forgets the contact (``TOMBSTONE_SECONDS``, an hour)."""
    queueing.store().remove(contact_id, RemovalReason.CANCELLED)
    log.warning("%s %s; it is called again in about an hour", contact_id, why)


def _caller_hung_up(agent_id: str, contact_id: str, entry: QueueEntry | None) -> None:
    """The caller left while the agent's phone rang: not the agent's fault, so available."""
    # Out of the queue now: /voice/status, which would do it too, may come later.
    queueing.store().remove(contact_id, RemovalReason.ABANDONED)
    if _end_busy(agent_id, entry, Presence.AVAILABLE):
        log.info("%s hung up while agent %s was rung; the agent is available", contact_id, agent_id)
        offers.agent_free(agent_id)


def _missed(agent_id: str, contact_id: str, entry: QueueEntry | None, what: str) -> None:
    """The agent did not answer: the contact back in its place, the agent set away (once)."""
    if entry is None or entry.accepted_at is None:
        return  # not being connected: an offer pending, or gone
    if not queueing.store().return_offered(contact_id, agent_id):
        return  # a replay, or not theirs any more: nothing changes twice
    callback_desk.call_ended(entry)
    _end_busy(agent_id, entry, Presence.AWAY)
    agent = _agent(agent_id)
    why = f"{agent.name if agent else f'agent {agent_id}'} did not answer {what}: set away"
    log.warning("%s; %s goes back to its place", why, contact_id)
    offers.contact_waiting(contact_id, (why,), excluding={agent_id})


def _end_busy(agent_id: str, entry: QueueEntry | None, state: Presence) -> bool:
    """Move the agent busy with ``entry`` to ``state``; False if they moved on meanwhile.

    Busy since the moment they accepted ``entry`` means nothing changed since: an agent
    who went away or took another contact is left as they are.
    """
    if entry is None or entry.agent_id != agent_id or entry.accepted_at is None:
        return False
    presence = queueing.store().presence(agent_id)
    if presence is None or (presence.state, presence.since) != (Presence.BUSY, entry.accepted_at):
        return False
    queueing.store().set_presence(agent_id, state)
    return True


def _give_up(contact_id: str, attempts: int) -> None:
    """Not reached after ``attempts`` calls: out of the line for good; the task stays open."""
    queueing.store().remove(contact_id, RemovalReason.CANCELLED)
    task = callback_view.task_for(contact_id)  # None for an id no task could have
    if task is not None:
        note = f"Customer not reached after {attempts} callback calls: call them yourself."
        task.notes = f"{task.notes}\n{note}".strip()
        task.given_up_at = utcnow()  # the offer sweep leaves it to a person from now on
        db.session.commit()
    log.warning("%s: not reached after %d calls; its task stays open", contact_id, attempts)


def _language(entry: QueueEntry | None) -> str:
    return str(entry.payload.get("language", "en")) if entry else "en"


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # no acceptance time given
        return None


def _ring(agent: AgentRow | None, agent_id: str, contact_id: str, action: str) -> Dial:
    """Ring the agent's browser (client identity) or phone; the whisper marks the answer."""
    dial = Dial(action=action, method="POST", timeout=RING_SECONDS)
    whisper = url_for("voice.whisper", agent=agent_id, c=contact_id)
    if agent is not None and agent.client_identity:
        dial.client(agent.client_identity, url=whisper, method="POST")
    elif agent is not None and agent.phone_number:
        dial.number(agent.phone_number, url=whisper, method="POST")
    else:  # an agent without a device: a person on the fallback line takes it
        dial.number(current_app.config["FALLBACK_NUMBER"])
    return dial


def _agent(agent_id: str) -> AgentRow | None:
    return db.session.get(AgentRow, int(agent_id)) if agent_id.isdigit() else None


def _interaction(contact_id: str) -> Interaction | None:
    if contact_id.startswith("callback:"):
        return wrap_up.interaction_for_contact(contact_id)
    return calls.interaction_for(db.session, contact_id)
