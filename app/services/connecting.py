"""Bringing a caller and an agent together, and what happens when the agent does not answer."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app, url_for
from twilio.twiml.voice_response import Dial, VoiceResponse

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction, utcnow
from app.services import agent_desk, calls, offers, queueing, twilio_queues, wrap_up
from app.twilio.ivr_twiml import locale
from routing.model import Presence

log = logging.getLogger(__name__)

RING_SECONDS = 20


def connect(agent_id: str, contact_id: str, queue: str, language: str = "en") -> str:
    """The caller's TwiML once taken out of the queue: ring the agent."""
    agent = _agent(agent_id)
    response = VoiceResponse()
    response.say("Connecting you now.", language=locale(language))
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
    """After the agent's leg: done if they talked; else back to the caller's place in line."""
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    queueing.store().return_offered(contact_id, agent_id)
    agent = _agent(agent_id)
    if agent is not None:  # a missed offer: the agent is set away until they come back
        queueing.store().set_presence(agent_id, Presence.AWAY, agent_desk.served_queues(agent))
    log.warning("agent %s did not answer; %s goes back to its place", agent_id, contact_id)
    name = agent.name if agent is not None else f"agent {agent_id}"
    offers.contact_waiting(contact_id, (f"{name} did not answer the call: set away",))
    response = VoiceResponse()
    response.say(
        "Sorry, that agent is not available. You keep your place in line.",
        language=locale(language),
    )
    twilio_queues.enqueue_twiml(response, queue, language)
    return str(response)


def callback_answered(agent_id: str, contact_id: str) -> str:
    """The customer picked up our callback: tell them who we are and ring the agent."""
    entry = queueing.store().entry(contact_id)
    language = str(entry.payload.get("language", "en")) if entry else "en"
    response = VoiceResponse()
    response.say(
        "Hello, we're returning your call. Please hold for a moment.", language=locale(language)
    )
    action = url_for("voice.callback_result", agent=agent_id, c=contact_id)
    dial = _ring(_agent(agent_id), agent_id, contact_id, action)
    response.append(dial)
    return str(response)


def after_callback(agent_id: str, contact_id: str, form: Mapping[str, str]) -> str:
    """If the agent missed the callback, it goes back to its place for the next agent."""
    response = VoiceResponse()
    if form.get("DialCallStatus") not in {"completed", "answered"}:
        queueing.store().return_offered(contact_id, agent_id)
        response.say("Sorry, we could not connect you. We will call you back shortly.")
        offers.contact_waiting(contact_id, excluding={agent_id})
    return str(response)


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
