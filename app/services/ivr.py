"""Answering voice webhooks with the IVR: pick the flow, run the engine, record, render TwiML.

The navigation state (flow, node, tries, language, collected values) and what the flow may
know of the caller travel signed in the action URL, so a menu keeps working on any web
process and with Redis down; recording the steps is best effort once the call is known.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from flask import current_app, url_for

from app.extensions import db
from app.models import Interaction, utcnow
from app.services import calls, offers, queueing, switches, tasks
from app.services.flow_registry import FlowRegistry
from app.twilio.ivr_twiml import CallUrls, render_actions
from app.twilio.state import decode_state, encode_state
from ivr_flows import (
    Callback,
    CallContext,
    Caller,
    CallerReply,
    CallState,
    Enqueue,
    Flow,
    HumanFallback,
    KbAnswer,
    Step,
    Transfer,
    Voicemail,
    resume,
    start,
)

log = logging.getLogger(__name__)

MAX_SPEECH = 2000  # longer speech is cut, never refused
MAX_DIGITS = 64


def registry() -> FlowRegistry:
    """The app's flow registry."""
    found: FlowRegistry = current_app.extensions["ivr.flows"]
    return found


def answer_incoming(params: Mapping[str, str]) -> str:
    """A new call: find the caller and the flow for the number called, start the flow."""
    flow = registry().current().for_number(params.get("To", ""))
    interaction, customer = calls.open_call(
        db.session, params.get("CallSid", ""), params.get("From", ""), params.get("To", ""), flow.id
    )
    caller = calls.caller_profile(db.session, customer)
    step = start(flow, _context(caller))
    return _finish(flow, step, caller, interaction, params, answered=None)


def answer_step(token: str, params: Mapping[str, str]) -> str:
    """The caller answered a prompt (or stayed silent): resume the flow from the signed state."""
    payload = decode_state(token)
    state = CallState.from_dict(payload.get("s"))
    caller = Caller(**payload.get("c", {}))
    flow = registry().current().get(state.flow_id)
    reply = caller_reply(params)
    step = resume(flow, state, _context(caller), reply)
    interaction = _interaction(params, payload.get("i"))
    return _finish(flow, step, caller, interaction, params, answered=(state.node_id, reply))


def caller_reply(params: Mapping[str, str]) -> CallerReply:
    """Twilio's ``Digits``, ``SpeechResult`` and ``Confidence``, bounded and never raising."""
    try:
        confidence: float | None = float(params.get("Confidence", ""))
    except ValueError:
        confidence = None
    return CallerReply(
        digits=params.get("Digits", "")[:MAX_DIGITS],
        speech=params.get("SpeechResult", "")[:MAX_SPEECH],
        confidence=confidence,
    )


def _context(caller: Caller) -> CallContext:
    clock = current_app.config.get("CLOCK", utcnow)
    return CallContext(now=clock(), caller=caller, closed_switches=switches.closed_switches())


def _interaction(params: Mapping[str, str], interaction_id: object) -> Interaction | None:
    if isinstance(interaction_id, int):
        return db.session.get(Interaction, interaction_id)
    return calls.interaction_for(db.session, params.get("CallSid", ""))


def _finish(
    flow: Flow,
    step: Step,
    caller: Caller,
    interaction: Interaction | None,
    params: Mapping[str, str],
    answered: tuple[str, CallerReply] | None,
) -> str:
    """Carry out side effects (callbacks), record the step, commit, and render the TwiML."""
    if interaction is None:  # a CallSid we never saw (lost record): start one now
        interaction, _ = calls.open_call(
            db.session,
            params.get("CallSid", ""),
            params.get("From", ""),
            params.get("To", ""),
            flow.id,
        )
    step = _place_callbacks(step, interaction, params)
    step = _put_in_line(step, interaction)
    _record(flow, step, interaction, answered)
    db.session.commit()
    if any(isinstance(action, Enqueue) for action in step.actions):
        # Once the record is safe: the best agent is offered the caller (best effort).
        offers.contact_waiting(queueing.contact_id_of(interaction))
    token = encode_state({"s": step.state.to_dict(), "c": asdict(caller), "i": interaction.id})
    return render_actions(step.actions, call_urls(token, step.state.language))


def _put_in_line(step: Step, interaction: Interaction) -> Step:
    """Hand an Enqueue to routing: the first staffed queue of its ladder, else a person now."""
    actions: list[Any] = []
    for action in step.actions:
        if isinstance(action, Enqueue):
            queue = queueing.enqueue_call(
                interaction, action.queue, action.skills, action.language, action.priority
            )
            if queue is None:
                actions.append(HumanFallback(f"nobody is logged in for {action.queue}"))
                continue
            action = replace(action, queue=queue)
        actions.append(action)
    return replace(step, actions=tuple(actions))


def _place_callbacks(step: Step, interaction: Interaction, params: Mapping[str, str]) -> Step:
    """Turn each Callback into a task; a caller we cannot call back goes to a person now."""
    actions = []
    for action in step.actions:
        if isinstance(action, Callback):
            number = action.number or params.get("From", "")
            if not tasks.can_call_back(number):
                actions.append(HumanFallback("the caller's number cannot be called back"))
                break
            tasks.create_callback(db.session, action, number, interaction, params.get("CallSid"))
        actions.append(action)
    return replace(step, actions=tuple(actions))


def _record(
    flow: Flow,
    step: Step,
    interaction: Interaction,
    answered: tuple[str, CallerReply] | None,
) -> None:
    events: list[tuple[str, str, str]] = []
    if answered is not None:
        node, reply = answered
        events.append((node, *_reply_event(reply)))
    events += [(node, "node", "") for node in step.visited]
    handover = step.handover
    if handover is not None:
        outcome, detail = _handover_outcome(handover)
        events.append((step.state.node_id, "handover", f"{outcome} {detail}".strip()))
        calls.mark_outcome(interaction, outcome, detail if isinstance(handover, Enqueue) else "")
    for action in step.actions:
        if isinstance(action, KbAnswer):
            events.append((step.state.node_id, "kb_question", action.question))
    calls.record_steps(db.session, interaction, flow.id, events)


def _reply_event(reply: CallerReply) -> tuple[str, str]:
    if reply.digits.strip():
        return "digits", reply.digits
    if reply.speech.strip():
        return "speech", reply.speech
    return "silence", ""


def _handover_outcome(action: Any) -> tuple[str, str]:
    if isinstance(action, Enqueue):
        return "queued", action.queue
    if isinstance(action, Transfer):
        return "transferred", action.number or str(action.agent)
    if isinstance(action, Voicemail):
        return "voicemail", action.queue
    if isinstance(action, Callback):
        return "callback", action.queue
    return "fallback", getattr(action, "reason", "")


def call_urls(token: str, language: str = "en") -> CallUrls:
    """The URLs Twilio comes back to from this step (relative: Twilio resolves them)."""
    return CallUrls(
        step=url_for("voice.step", s=token),
        fallback_number=current_app.config["FALLBACK_NUMBER"],
        hold=lambda queue, language: url_for("voice.hold_music", q=queue, l=language),
        queue_exit=lambda queue: url_for("voice.queue_exit", q=queue),
        voicemail=lambda queue, language: url_for("voice.voicemail", q=queue, l=language),
        dial_result=url_for("voice.dial_result"),
        fallback_result=url_for("voice.fallback_result", l=language),
    )
