"""Answering voice webhooks with the IVR: pick the flow, run the engine, record, render TwiML.

The navigation state (flow, node, tries, language, collected values) and what the flow may
know of the caller travel signed in the action URL, so a menu keeps working on any web
process and with Redis down; recording the steps is best effort once the call is known.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Interaction, utcnow
from app.services.agents import offers
from app.services.calls import calls, ivr_updates, kb_answers, last_resort, queueing, switches
from app.services.calls.flow_registry import FlowRegistry
from app.services.calls.ivr_callbacks import Refused, place_callbacks, promise_no_call_in_vain
from app.services.incidents import front_door
from app.twilio.ivr_twiml import CallUrls, render_actions
from app.twilio.params import parse_fraction
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
    ask_for_person,
    resume,
    start,
)
from routing.store import Enqueued

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
    customer_id, caller = calls.identify(db.session, params.get("From", ""))
    if customer_id is not None and front_door.open_incidents(db.session):
        caller = replace(caller, accounts=front_door.holdings(db.session, customer_id))
    step = start(flow, _context(caller))
    call = _Call(params, call_key(params), interaction_id=None, customer_id=customer_id)
    return _finish(flow, step, caller, call, answered=None)


def answer_asked_for_person(params: Mapping[str, str], language: str) -> str:
    """A person we called (a broadcast) pressed 0: into the queues as if they had called
    the number we called from and pressed 0 there, with the same overflow, fallback line
    and message guarantee. ``params`` are the call's webhook values, ``To`` theirs."""
    as_if_called = {**params, "From": params.get("To", ""), "To": params.get("From", "")}
    flow = registry().current().for_number(as_if_called["To"])
    customer_id, caller = calls.identify(db.session, as_if_called["From"])
    step = ask_for_person(flow, _context(caller), language)
    call = _Call(as_if_called, call_key(params), interaction_id=None, customer_id=customer_id)
    return _finish(flow, step, caller, call, answered=None)


def answer_step(token: str, params: Mapping[str, str], answered_by_kb: bool = False) -> str:
    """The caller answered a prompt (or stayed silent): resume the flow from the signed state.

    A question for the knowledge base is answered by voice when an answer is confident
    (``kb_answers``); ``answered_by_kb``: one was, and the caller wants a person after all.
    """
    payload = decode_state(token)
    key = call_key(params)
    if payload.get("k", key) != key:
        # Another call's URL: keep its place in the menu, trust nothing it says of a caller.
        log.warning("a step came with another call's state; its caller and record are ignored")
        payload = {"s": payload.get("s")}
    state = CallState.from_dict(payload.get("s"))
    caller = Caller(**payload.get("c", {}))
    flow = registry().current().get(state.flow_id)
    reply = caller_reply(params)
    step = resume(flow, state, _context(caller), reply)
    interaction_id = payload.get("i")
    if not isinstance(interaction_id, int):  # a token without its call: find it by CallSid
        interaction_id = calls.interaction_id_for(db.session, params.get("CallSid", ""))
    # After an answer by voice, the same state goes on to people: a webhook of its own.
    webhook_key = calls.step_key(f"{token}/kb" if answered_by_kb else token)
    asked = None if answered_by_kb else kb_answers.question_in(step)
    if asked is not None:
        record = (interaction_id, flow.id, state.node_id, webhook_key)
        spoken = kb_answers.answer(payload, asked, params, record)
        if spoken is not None:
            return spoken
    call = _Call(params, key, interaction_id, customer_id=None, step=webhook_key)
    return _finish(flow, step, caller, call, answered=(state.node_id, reply))


def call_key(params: Mapping[str, str]) -> str:
    """A short digest of the CallSid: the state in a call's URLs is good for that call only.

    (Tokens made before the key existed carry none and are still taken.)
    """
    sid = params.get("CallSid", "").encode("utf-8", "replace")
    return hashlib.blake2b(sid, digest_size=6).hexdigest()


def caller_reply(params: Mapping[str, str]) -> CallerReply:
    """Twilio's ``Digits``, ``SpeechResult`` and ``Confidence``, bounded and never raising."""
    return CallerReply(
        digits=params.get("Digits", "")[:MAX_DIGITS],
        speech=params.get("SpeechResult", "")[:MAX_SPEECH],
        confidence=parse_fraction(params.get("Confidence")),
    )


def _context(caller: Caller) -> CallContext:
    clock = current_app.config.get("CLOCK", utcnow)
    incident = front_door.touching(db.session, caller)
    return CallContext(
        now=clock(),
        caller=caller,
        incident_affects_caller=incident is not None,
        incident_notice=incident.messages if incident is not None else {},
        closed_switches=switches.closed_switches(),
    )


@dataclass(frozen=True)
class _Call:
    """The webhook's parameters and what is known of its interaction record."""

    params: Mapping[str, str]
    key: str  # call_key(params), made once per request
    interaction_id: int | None
    customer_id: int | None  # only needed when the record is still to be made
    step: str = calls.step_key("")  # this webhook's key among the call's: replays add nothing


def _finish(
    flow: Flow,
    step: Step,
    caller: Caller,
    call: _Call,
    answered: tuple[str, CallerReply] | None,
) -> str:
    """Carry out side effects (callbacks, queueing), record the step, commit, render TwiML.

    Everything is read before the first write, so a write transaction (which holds SQLite's
    one write lock) lasts only for the inserts and the commit.
    """
    params = call.params
    interaction_id = call.interaction_id
    if interaction_id is None:  # a new call, or a CallSid we never saw (a lost record)
        interaction_id = _open(flow, call)
    waiting: Enqueued | None = None  # a caller put in a queue
    refused: Refused | None = None  # a callback the policy refused
    if _hands_over(step):
        step, waiting, refused = _hand_over(step, interaction_id, params)
    else:
        calls.navigation_only(db.session)
    try:
        _record(flow, step, interaction_id, answered, call.step)
        db.session.commit()
    except IntegrityError:  # the record in the token is gone (a database restored mid-call)
        db.session.rollback()
        log.warning("interaction %s is gone; recording the call anew", interaction_id)
        interaction_id = _open(flow, call)
        _record(flow, step, interaction_id, answered, call.step)
        db.session.commit()
    # Once the call's record is safe: updates by text asked for become what the caller hears.
    step = ivr_updates.sign_up(step, params, caller, (interaction_id, flow.id, call.step))
    if waiting is not None:  # once the record is safe: offer the caller to the best agent
        offers.contact_waiting(waiting.entry.contact_id, known=waiting.entry, free=waiting.free)
    if refused is not None:  # no promise: the caller hears why, and a person or a message
        return last_resort.offer_instead(
            refused.refusal, refused.language, refused.queue, before=refused.before
        )
    state = {"s": step.state.to_dict(), "c": asdict(caller), "i": interaction_id, "k": call.key}
    token = encode_state(state)
    return render_step(step.actions, token, step.state.language)


# Stands for the state token in cached TwiML; random, so no prompt text can contain it.
_TOKEN_MARK = f"state-{secrets.token_hex(12)}"
_RENDERED_MAX = 4096


def render_step(actions: tuple[Any, ...], token: str, language: str) -> str:
    """The TwiML for ``actions``, with ``token`` in its action URLs.

    The same actions always make the same document but for the token, so each is built with
    the twilio SDK once per app and kept (a few thousand at most; prompts are few).
    """
    rendered: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("ivr.rendered", {})
    key = (actions, language)
    document = rendered.get(key)
    if document is None:
        document = render_actions(actions, call_urls(_TOKEN_MARK, language))
        if len(rendered) >= _RENDERED_MAX:
            rendered.clear()
        rendered[key] = document
    return document.replace(_TOKEN_MARK, token)


def _open(flow: Flow, call: _Call) -> int:
    params = call.params
    return calls.open_call(
        db.session,
        params.get("CallSid", ""),
        params.get("From", ""),
        params.get("To", ""),
        flow.id,
        call.customer_id,
    )


def _hands_over(step: Step) -> bool:
    return step.handover is not None or any(
        isinstance(action, Callback | Enqueue) for action in step.actions
    )


def _hand_over(
    step: Step, interaction_id: int, params: Mapping[str, str]
) -> tuple[Step, Enqueued | None, Refused | None]:
    """Callbacks become tasks, queues take the caller, the record notes the outcome.

    Also returns what the store did if the caller now waits in a queue (their entry, and
    who may be offered them), to offer them to an agent, and a callback the policy refused.
    """
    interaction = db.session.get(Interaction, interaction_id)
    if interaction is None:  # the record went away mid-call: the caller still gets a person
        missing = HumanFallback("the call's record is missing", step.state.language)
        return replace(step, actions=(missing,)), None, None
    step, refused = place_callbacks(step, interaction, params)
    step = promise_no_call_in_vain(step, params)
    step, waiting = _put_in_line(step, interaction)
    handover = step.handover
    if handover is not None:
        outcome, detail = _handover_outcome(handover)
        calls.mark_outcome(interaction, outcome, detail if isinstance(handover, Enqueue) else "")
    return step, waiting, refused


def _put_in_line(step: Step, interaction: Interaction) -> tuple[Step, Enqueued | None]:
    """Hand an Enqueue to routing: the first staffed queue of its ladder, else a person now."""
    actions: list[Any] = []
    waiting: Enqueued | None = None
    for action in step.actions:
        if isinstance(action, Enqueue):
            waiting = queueing.enqueue_call(
                interaction, action.queue, action.skills, action.language, action.priority
            )
            if waiting is None:
                reason = f"nobody is logged in for {action.queue}"
                actions.append(HumanFallback(reason, action.language, fault=False))
                continue
            action = replace(action, queue=waiting.entry.queue)
        actions.append(action)
    return replace(step, actions=tuple(actions)), waiting


def _record(
    flow: Flow,
    step: Step,
    interaction_id: int,
    answered: tuple[str, CallerReply] | None,
    webhook_key: str,
) -> None:
    """The step's events on the call's trail, once however often Twilio sends this webhook."""
    events: list[tuple[str, str, str]] = []
    if answered is not None:
        node, reply = answered
        events.append((node, *_reply_event(reply)))
    events += [(node, "node", "") for node in step.visited]
    if step.handover is not None:
        outcome, detail = _handover_outcome(step.handover)
        events.append((step.state.node_id, "handover", f"{outcome} {detail}".strip()))
    for action in step.actions:
        if isinstance(action, KbAnswer):
            events.append((step.state.node_id, "kb_question", action.question))
    calls.record_steps(db.session, interaction_id, flow.id, events, webhook_key)


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
        queue_exit=lambda queue: url_for("voice.queue_exit", q=queue, l=language),
        voicemail=lambda queue, language: url_for("voice.voicemail", q=queue, l=language),
        dial_result=url_for("voice.dial_result", l=language),
        fallback_result=url_for("voice.fallback_result", l=language),
    )
