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
from app.twilio.twiml import dial_fallback


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
    response.say(say_text(language, "goodbye"), language=locale(language))
    return str(response)


def after_dial(form: Mapping[str, str]) -> str:
    """After a transfer: done if someone answered, else the fallback line."""
    if form.get("DialCallStatus") in {"completed", "answered"}:
        return str(VoiceResponse())
    return dial_fallback(current_app.config["FALLBACK_NUMBER"])


def voicemail_left(queue_name: str, language: str, form: Mapping[str, str]) -> str:
    """A recorded message becomes a callback task; without a recording, a person now."""
    recording = form.get("RecordingUrl", "")
    if not recording:
        return dial_fallback(current_app.config["FALLBACK_NUMBER"])
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
    """A count Twilio sent as text (seconds, a position), 0 when missing or garbled."""
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
