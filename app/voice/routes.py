"""Voice webhooks: what Twilio asks when a call comes in, moves through the IVR, or ends.

Every view answers with TwiML that reaches a person whatever fails underneath: any error
while answering apologizes and dials ``FALLBACK_NUMBER`` (see ``answers_or_dials_a_human``),
and if nobody answers there, the caller leaves a message. The agent's own leg carries on
instead (``lets_the_call_go_on``); a message or a call's end the database could not take is
saved later (``keeps_the_message``, ``keeps_the_call_end``). Views read Twilio's values only
through ``params``: checked, then cleaned, before a view runs.
"""

from __future__ import annotations

from flask import Blueprint

from app.extensions import db
from app.services.agents import transfers
from app.services.broadcasts import call_answers
from app.services.calls import call_ends, connecting, hold, ivr, kb_answers, last_resort
from app.twilio import params
from app.twilio.security import accept_webhook
from app.twilio.twiml import twiml_response
from app.voice.fault_answers import dial_a_person
from app.voice.faults import (
    EMPTY,
    TwiML,
    answers_or_dials_a_human,
    keeps_the_call_end,
    keeps_the_message,
    leaves_the_queue_on_error,
    lets_the_call_go_on,
    needs_no_store,
    offers_a_last_message,
)

bp = Blueprint("voice", __name__, url_prefix="/voice")
bp.before_request(accept_webhook)


@bp.post("/fallback")
def fallback() -> TwiML:
    """Twilio's "primary handler fails" URL: dial a human, touching no store at all; if
    nobody answers, a message (``/voice/fallback-result`` needs no store either)."""
    return twiml_response(dial_a_person(language="en"))


@bp.post("/incoming")
@answers_or_dials_a_human
def incoming() -> TwiML:
    """A call comes in: identify the caller, pick the flow for the number called, start it."""
    return twiml_response(ivr.answer_incoming(params.form()))


@bp.post("/step")
@answers_or_dials_a_human
def step() -> TwiML:
    """The caller answered a prompt (keys, speech or silence): the flow's next step."""
    return twiml_response(ivr.answer_step(params.args().get("s", ""), params.form()))


@bp.post("/kb-answered")
@answers_or_dials_a_human
def kb_answered() -> TwiML:
    """The caller's word on a knowledge-base answer: thanked, texted its link, or on to a
    person as the flow goes (``kb_answers``)."""
    token = params.args().get("s", "")
    after = kb_answers.after_answer(token, params.form(), ivr.caller_reply(params.form()))
    if after.twiml is not None:
        return twiml_response(after.twiml)
    document = ivr.answer_step(after.token, after.form or {}, answered_by_kb=True)
    return twiml_response(kb_answers.said_first(after.before, document, after.language))


@bp.post("/status")
@keeps_the_call_end
def status() -> TwiML:
    """Call status changes: close the interaction with its duration and outcome."""
    end = call_ends.call_end(params.form())
    call_ends.close_call(db.session, end)
    db.session.commit()
    hold.forget_ended_call(end.call_sid, end.status)
    return twiml_response("<Response/>")


@bp.post("/hold")
@leaves_the_queue_on_error
def hold_music() -> TwiML:
    """The Enqueue wait URL: what a waiting caller hears, until the wait grows too long."""
    args = params.args()
    return twiml_response(hold.waiting(args.get("q", ""), params.form(), args["l"]))


@bp.post("/hold-key")
@leaves_the_queue_on_error
def hold_key() -> TwiML:
    """A key pressed on hold: 1 keeps the caller's place by callback."""
    args = params.args()
    return twiml_response(hold.hold_choice(args.get("q", ""), params.form(), args["l"]))


@bp.post("/queue-exit")
@answers_or_dials_a_human
def queue_exit() -> TwiML:
    """The caller left the queue: after a conversation, goodbye; else overflow or a person."""
    args = params.args()
    return twiml_response(hold.left_queue(args.get("q", ""), params.form(), args["l"]))


@bp.post("/fallback-result")
@offers_a_last_message
@needs_no_store
def fallback_result() -> TwiML:
    """The fallback line did not answer: the caller leaves a message for a callback."""
    return twiml_response(last_resort.after_fallback(params.form(), params.args()["l"]))


@bp.post("/no-message")
@offers_a_last_message
def no_message() -> TwiML:
    """Nobody answered the fallback line and nothing was recorded: a callback, if we can."""
    return twiml_response(last_resort.no_message(params.form(), params.args()["l"]))


@bp.post("/callback-refused")
@answers_or_dials_a_human
@needs_no_store
def callback_refused() -> TwiML:
    """A caller we will not call back chose: a message, or (anything else) a person."""
    args = params.args()
    return twiml_response(last_resort.refused_choice(params.form(), args.get("q", ""), args["l"]))


@bp.post("/dial-result")
@answers_or_dials_a_human
@needs_no_store
def dial_result() -> TwiML:
    """A transfer ended: if nobody answered, the fallback line."""
    return twiml_response(last_resort.after_dial(params.form(), params.args()["l"]))


@bp.post("/voicemail")
@keeps_the_message
def voicemail() -> TwiML:
    """A message was recorded: it becomes a callback task for a person."""
    args = params.args()
    return twiml_response(last_resort.voicemail_left(args.get("q", ""), args["l"], params.form()))


@bp.post("/connect")
@answers_or_dials_a_human
def connect() -> TwiML:
    """A caller taken out of the queue for an agent: ring the agent."""
    a = params.args()
    return twiml_response(
        connecting.connect(a.get("agent", ""), a.get("c", ""), a.get("q", ""), a["l"])
    )


@bp.post("/whisper")
@lets_the_call_go_on
def whisper() -> TwiML:
    """The agent picked up: the contact counts as answered (on the agent's own leg)."""
    a = params.args()
    return twiml_response(connecting.agent_answered(a.get("agent", ""), a.get("c", "")))


@bp.post("/connect-result")
@answers_or_dials_a_human
def connect_result() -> TwiML:
    """The agent's leg ended: if they never answered, the caller goes back to their place."""
    a = params.args()
    return twiml_response(
        connecting.after_ring(
            a.get("agent", ""), a.get("c", ""), a.get("q", ""), a["l"], params.form()
        )
    )


@bp.post("/callback-connect")
@answers_or_dials_a_human
def callback_connect() -> TwiML:
    """The customer answered our callback: ring the agent who took it, if it is still theirs."""
    a = params.args()
    return twiml_response(
        connecting.callback_answered(a.get("agent", ""), a.get("c", ""), a.get("t", ""))
    )


@bp.post("/callback-result")
@answers_or_dials_a_human
def callback_result() -> TwiML:
    """The callback's agent leg ended: a missed one goes back in line."""
    a = params.args()
    return twiml_response(
        connecting.after_callback(a.get("agent", ""), a.get("c", ""), params.form())
    )


@bp.post("/callback-status")
@lets_the_call_go_on
def callback_status() -> TwiML:
    """The call to a callback's customer ended: if nobody talked, it is tried again later."""
    a = params.args()
    connecting.callback_ended(a.get("agent", ""), a.get("c", ""), params.form(), a.get("t", ""))
    return twiml_response(EMPTY)


@bp.post("/transfer")
@answers_or_dials_a_human
def transfer() -> TwiML:
    """A call an agent transferred: into the target queue, held for the agent named, if any."""
    a = params.args()
    call_sid = params.form().get("CallSid", "")
    return twiml_response(
        transfers.requeue(call_sid, a.get("q", ""), a["l"], a.get("by", ""), a.get("agent", ""))
    )


@bp.post("/broadcast")
@answers_or_dials_a_human
def broadcast_answered() -> TwiML:
    """A broadcast call was answered: the message after a machine's beep, the message and
    the offer of a person for someone, nothing for a fax."""
    delivery_id = int(params.args().get("d") or 0)
    return twiml_response(call_answers.answered(db.session, delivery_id, params.form()))


@bp.post("/broadcast-key")
@answers_or_dials_a_human
def broadcast_key() -> TwiML:
    """The key pressed after a broadcast's message: 0 a person, else once more, then bye."""
    a = params.args()
    return twiml_response(
        call_answers.key_pressed(
            db.session, int(a.get("d") or 0), params.form(), a.get("r", ""), a["l"]
        )
    )


@bp.post("/broadcast-status")
@lets_the_call_go_on
def broadcast_status() -> TwiML:
    """A broadcast call's status callback: its delivery answered, delivered or failed."""
    call_answers.call_status(db.session, int(params.args().get("d") or 0), params.form())
    return twiml_response(EMPTY)
