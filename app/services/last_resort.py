"""The end of the overflow ladder: the 24/7 fallback line, then a voicemail for a callback.

Also where a transfer that nobody answered goes (the fallback line), and where a recorded
message becomes a callback task.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, url_for
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db
from app.services import calls, tasks
from app.services.hold_messages import say_text
from app.twilio.ivr_twiml import locale
from app.twilio.params import parse_whole
from ivr_flows import Callback


def fallback_then_voicemail(language: str) -> str:
    """Dial the 24/7 line; if nobody answers there, the caller leaves a message."""
    response = VoiceResponse()
    response.say(say_text(language, "to_fallback"), language=locale(language))
    dial = response.dial(action=url_for("voice.fallback_result", l=language), method="POST")
    dial.number(current_app.config["FALLBACK_NUMBER"])
    return str(response)


def after_fallback(form: Mapping[str, str], language: str) -> str:
    """Nobody answered the fallback line: record a message that becomes a callback task."""
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    response = VoiceResponse()
    response.say(say_text(language, "leave_message"), language=locale(language))
    response.record(
        action=url_for("voice.voicemail", q="general", l=language),
        method="POST",
        max_length=180,
        play_beep=True,
        finish_on_key="#",
    )
    # Twilio goes on past <Record> only when nothing was recorded.
    response.redirect(url_for("voice.no_message", l=language), method="POST")
    return str(response)


def no_message(form: Mapping[str, str], language: str) -> str:
    """Nobody answered the fallback line and the caller left no message: we call them back
    at the number they called from, when it is one we can call."""
    number = form.get("From", "")
    response = VoiceResponse()
    if not tasks.can_call_back(number):
        response.say(say_text(language, "no_way_back"), language=locale(language))
        response.hangup()
        return str(response)
    call_sid = form.get("CallSid") or None
    interaction = calls.interaction_for(db.session, call_sid or "")
    tasks.create_callback(
        db.session, Callback("general", language, number), number, interaction, call_sid
    )
    if interaction is not None:
        calls.mark_outcome(interaction, "callback", "general")
    db.session.commit()
    response.say(say_text(language, "calling_back"), language=locale(language))
    response.hangup()
    return str(response)


def after_dial(form: Mapping[str, str], language: str = "en") -> str:
    """After a transfer: done if someone answered, else the fallback line (then a message)."""
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    return fallback_then_voicemail(language)


def voicemail_left(queue_name: str, language: str, form: Mapping[str, str]) -> str:
    """A recorded message becomes a callback task; without a recording, a person now."""
    recording = form.get("RecordingUrl", "")
    if not recording:
        return fallback_then_voicemail(language)
    interaction = calls.interaction_for(db.session, form.get("CallSid", ""))
    tasks.create_voicemail(
        db.session,
        queue=queue_name or "general",
        language=language,
        number=form.get("From", ""),
        recording_url=recording[:500],
        seconds=whole_number(form.get("RecordingDuration")),
        interaction=interaction,
        call_sid=form.get("CallSid") or None,
    )
    if interaction is not None:
        calls.mark_outcome(interaction, "voicemail", queue_name)
    db.session.commit()
    response = VoiceResponse()
    response.say(say_text(language, "thanks_message"), language=locale(language))
    response.hangup()
    return str(response)


def whole_number(value: str | None) -> int:
    """A count Twilio sent as text (seconds, a position), 0 when missing or garbled; never
    more than an Integer column holds."""
    return parse_whole(value) or 0
