"""Waiting for a person: hold messages, leaving the queue, transfers and voicemail.

Until the routing core takes over (priority positions, estimated waits, overflow queues),
a caller who waits longer than the queue's maximum wait leaves the queue for the fallback
line, so nobody waits forever.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db
from app.models import Queue
from app.services import calls, tasks
from app.twilio.ivr_twiml import locale
from app.twilio.twiml import dial_fallback

log = logging.getLogger(__name__)

DEFAULT_MAX_WAIT = 300

MESSAGES = {
    "en": {
        "position": "Thank you for waiting. You are number {position} in line.",
        "too_long": "We're sorry for the wait. Connecting you to the next available person.",
        "thanks_message": "Thank you. We have your message and will call you back.",
        "goodbye": "Thank you for calling. Goodbye.",
    },
    "es": {
        "position": "Gracias por esperar. Usted es el número {position} en la fila.",
        "too_long": "Disculpe la espera. Le comunicamos con la próxima persona disponible.",
        "thanks_message": "Gracias. Recibimos su mensaje y le llamaremos.",
        "goodbye": "Gracias por llamar. Adiós.",
    },
}
# Twilio's QueueResult values that mean a person already spoke with the caller.
SPOKE_WITH_A_PERSON = {"bridged", "bridging-in-process", "redirected-from-bridged"}


def _text(language: str, key: str, **values: object) -> str:
    return MESSAGES.get(language, MESSAGES["en"])[key].format(**values)


def max_wait(queue_name: str) -> int:
    """The queue's maximum wait in seconds; the default if the database cannot say."""
    try:
        found = db.session.scalars(select(Queue.max_wait_seconds).where(Queue.name == queue_name))
        return int(found.first() or DEFAULT_MAX_WAIT)
    except Exception as exc:  # holding must go on with the database down
        log.warning("max wait of %s unknown (%s)", queue_name, type(exc).__name__)
        db.session.rollback()
        return DEFAULT_MAX_WAIT


def waiting(queue_name: str, form: Mapping[str, str], language: str = "en") -> str:
    """Hold TwiML: the caller's place and music, or ``<Leave>`` once the wait is too long."""
    response = VoiceResponse()
    waited = _int(form.get("QueueTime"))
    if waited >= max_wait(queue_name):
        response.say(_text(language, "too_long"), language=locale(language))
        response.leave()
        return str(response)
    position = _int(form.get("QueuePosition"))
    if position:
        response.say(_text(language, "position", position=position), language=locale(language))
    response.play(current_app.config["HOLD_MUSIC_URL"])
    return str(response)


def left_queue(queue_name: str, form: Mapping[str, str]) -> str:
    """After ``<Enqueue>``: hang up if a person took the call or the caller left, else dial one."""
    result = form.get("QueueResult", "")
    if result in SPOKE_WITH_A_PERSON or result == "hangup":
        return str(VoiceResponse())
    log.warning("caller left queue %s (%s): dialing the fallback line", queue_name, result)
    return dial_fallback(current_app.config["FALLBACK_NUMBER"])


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
        seconds=_int(form.get("RecordingDuration")),
        interaction=interaction,
        call_sid=form.get("CallSid") or None,
    )
    if interaction is not None:
        calls.mark_outcome(interaction, "voicemail", queue_name)
    db.session.commit()
    response = VoiceResponse()
    response.say(_text(language, "thanks_message"), language=locale(language))
    response.hangup()
    return str(response)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
