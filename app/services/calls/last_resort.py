"""The end of the overflow ladder: the 24/7 fallback line, then a voicemail for a callback.

Also where a transfer that nobody answered goes (the fallback line), where a recorded
message becomes a task, and what a caller we will not call back (``callback_policy``) is
offered instead: a person, or a message; silence or any other key reaches a person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db
from app.services.callbacks import callback_policy
from app.services.callbacks.callback_policy import Refusal
from app.services.callbacks.callback_promises import (
    Promise,
    Request,
    keep_message,
    promise_callback,
)
from app.services.calls import calls
from app.services.calls.hold_messages import say_text
from app.twilio.ivr_twiml import locale
from app.twilio.params import parse_whole
from ivr_flows import Play, Say

MESSAGE_KEY = "2"  # offered a person or a message: this key leaves a message
_BUSY = (Refusal.NUMBER_LIMIT, Refusal.HOURLY_LIMIT, Refusal.UNAVAILABLE)


def fallback_then_voicemail(language: str) -> str:
    """Dial the 24/7 line; if nobody answers there, the caller leaves a message."""
    response = VoiceResponse()
    _to_fallback_line(response, language)
    return str(response)


def _to_fallback_line(response: VoiceResponse, language: str) -> None:
    response.say(say_text(language, "to_fallback"), language=locale(language))
    dial = response.dial(action=url_for("voice.fallback_result", l=language), method="POST")
    dial.number(current_app.config["FALLBACK_NUMBER"])


def after_fallback(form: Mapping[str, str], language: str) -> str:
    """Nobody answered the fallback line: record a message, which becomes a task.

    The caller is promised a call back only when the policy allows their number.
    """
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    policy = callback_policy.current_policy(callback_policy.dialled(form))
    promise = callback_policy.can_call_back(form.get("From", ""), policy)
    response = VoiceResponse()
    key = "leave_message" if promise else "no_answer_no_callback"
    response.say(say_text(language, key), language=locale(language))
    _record_message(response, "general", language)
    # Twilio goes on past <Record> only when nothing was recorded.
    response.redirect(url_for("voice.no_message", l=language), method="POST")
    return str(response)


def no_message(form: Mapping[str, str], language: str) -> str:
    """Nobody answered the fallback line and the caller left no message: we call them back
    at the number they called from, when the policy allows; else a person or a message."""
    call_sid = form.get("CallSid") or None
    interaction = calls.interaction_for(db.session, call_sid or "")
    promise = promise_callback(db.session, Request.of_call(form, "general", language, interaction))
    if not promise.kept:
        db.session.commit()
        return offer_instead(promise.refusal or Refusal.INVALID, language, "general")
    if interaction is not None:
        calls.mark_outcome(interaction, "callback", "general")
    db.session.commit()
    response = VoiceResponse()
    response.say(say_text(language, "calling_back"), language=locale(language))
    response.hangup()
    return str(response)


def refusal_text(refusal: Refusal, language: str) -> str:
    """Why we will not call back, plainly, in ``language``."""
    if refusal is Refusal.WITHHELD:
        return say_text(language, "refused_withheld")
    if refusal is Refusal.COUNTRY:
        return say_text(language, "refused_country")
    if refusal in _BUSY:
        return say_text(language, "refused_busy")
    return say_text(language, "refused_number")


def offer_instead(
    refusal: Refusal, language: str, queue: str, before: Sequence[Say | Play] = ()
) -> str:
    """Say why we will not call back, then offer a person or a message (``MESSAGE_KEY``);
    silence reaches the person. ``before`` is what the caller hears first."""
    response = VoiceResponse()
    for action in before:
        if isinstance(action, Play):
            response.play(action.url)
        elif action.voice:
            response.say(action.text, language=action.language, voice=action.voice)
        else:
            response.say(action.text, language=action.language)
    choice = url_for("voice.callback_refused", q=queue, l=language)
    gather = response.gather(input="dtmf", num_digits=1, timeout=5, action=choice, method="POST")
    offer = f"{refusal_text(refusal, language)} {say_text(language, 'offer_instead')}"
    gather.say(offer, language=locale(language))
    _to_fallback_line(response, language)  # silence: Twilio goes on past the <Gather>
    return str(response)


def refused_choice(form: Mapping[str, str], queue: str, language: str) -> str:
    """The caller we will not call back chose: ``MESSAGE_KEY`` records a message, anything
    else is a person."""
    if form.get("Digits", "").strip() != MESSAGE_KEY:
        return fallback_then_voicemail(language)
    response = VoiceResponse()
    response.say(say_text(language, "record_message"), language=locale(language))
    _record_message(response, queue, language, timeout=5)
    _to_fallback_line(response, language)  # nothing recorded: a person
    return str(response)


def after_dial(form: Mapping[str, str], language: str = "en") -> str:
    """After a transfer: done if someone answered, else the fallback line (then a message)."""
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    return fallback_then_voicemail(language)


def voicemail_left(queue_name: str, language: str, form: Mapping[str, str]) -> str:
    """A recorded message becomes a task; without a recording, a person now.

    The caller is thanked with the promise of a call back only if the policy allows one;
    otherwise the message is kept for a person to listen to, and the caller is told so.
    """
    if not form.get("RecordingUrl", ""):
        return fallback_then_voicemail(language)
    promise = save_message(db.session, left_message(queue_name, language, form))
    response = VoiceResponse()
    key = "thanks_message" if promise.kept else "message_kept"
    response.say(say_text(language, key), language=locale(language))
    response.hangup()
    return str(response)


@dataclass(frozen=True)
class LeftMessage:
    """A message a caller recorded: who, from which call, for which queue, and where it is."""

    number: str
    queue: str
    language: str
    call_sid: str
    recording_url: str
    seconds: int
    dialled: tuple[str, ...] = ()  # the numbers the caller dialled: ours, never called back


def left_message(queue_name: str, language: str, form: Mapping[str, str]) -> LeftMessage:
    """The message the ``/voice/voicemail`` form tells of."""
    return LeftMessage(
        number=form.get("From", ""),
        queue=queue_name or "general",
        language=language,
        call_sid=form.get("CallSid", ""),
        recording_url=form.get("RecordingUrl", "")[:500],
        seconds=whole_number(form.get("RecordingDuration")),
        dialled=callback_policy.dialled(form),
    )


def save_message(session: Session, message: LeftMessage) -> Promise:
    """Keep ``message`` as a task and note it on the call's record, committed.

    The same message racing in twice (Twilio retrying a slow webhook) is kept once: the
    copy that loses the race finds the winner's task, and gets the same answer.
    """
    try:
        return _save_message(session, message)
    except IntegrityError:
        session.rollback()
        return _save_message(session, message)


def _save_message(session: Session, message: LeftMessage) -> Promise:
    interaction = calls.interaction_for(session, message.call_sid)
    request = Request(
        message.number,
        message.queue,
        message.language,
        interaction,
        message.call_sid or None,
        message.dialled,
    )
    promise = keep_message(session, request, message.recording_url, message.seconds)
    if interaction is not None:
        calls.mark_outcome(interaction, "voicemail", message.queue)
    session.commit()
    return promise


def thanks_for_a_message_kept_later(language: str) -> str:
    """The message could not be saved now but will be: thank the caller, and goodbye.

    Whether we may call them back is not known yet, so nothing is promised but a listener.
    """
    response = VoiceResponse()
    response.say(say_text(language, "message_saved"), language=locale(language))
    response.hangup()
    return str(response)


def last_chance_for_a_message(language: str) -> str:
    """The fallback line did not answer and what comes next failed: one more chance to
    leave a message, then goodbye (never the fallback line again: it would ring forever)."""
    response = VoiceResponse()
    response.say(say_text(language, "record_message"), language=locale(language))
    _record_message(response, "general", language, timeout=5)
    response.say(say_text(language, "goodbye"), language=locale(language))
    response.hangup()
    return str(response)


def whole_number(value: str | None) -> int:
    """A count Twilio sent as text (seconds, a position), 0 when missing or garbled; never
    more than an Integer column holds."""
    return parse_whole(value) or 0


def _record_message(
    response: VoiceResponse, queue: str, language: str, timeout: int | None = None
) -> None:
    """A ``<Record>`` of up to three minutes whose recording becomes a task for ``queue``."""
    response.record(
        action=url_for("voice.voicemail", q=queue or "general", l=language),
        method="POST",
        max_length=180,
        play_beep=True,
        finish_on_key="#",
        **({"timeout": timeout} if timeout is not None else {}),
    )
