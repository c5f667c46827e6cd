"""What each kind of voice webhook answers when it cannot answer as it should.

Built from the request alone: no store is asked, but Redis to queue a job for what the
database could not save (``kept_for_later``), until the time the webhook must answer by.
Each takes that time (``time.monotonic``). A dial to the fallback line carries an action
that needs no store, ``/voice/fallback-result``: if nobody answers there, the caller leaves
a message. What follows the fallback line never dials it again, so a line that never
answers cannot ring forever: a message is recorded and the call ends.
"""

from __future__ import annotations

from flask import current_app, request, url_for

from app.services.calls import call_ends, kept_for_later, last_resort
from app.twilio import params
from app.twilio.state import decode_state
from app.twilio.twiml import dial_fallback
from ivr_flows.languages import LANGUAGES

EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
LEAVE = '<?xml version="1.0" encoding="UTF-8"?><Response><Leave /></Response>'


def dial_a_person(_answer_by: float = 0.0, language: str | None = None) -> str:
    """Apologize in the caller's language and dial the fallback line; then a message."""
    language = language or caller_language()
    action = fallback_result_url(language)
    return dial_fallback(current_app.config["FALLBACK_NUMBER"], language, action)


def fallback_result_url(language: str) -> str:
    """``/voice/fallback-result`` in ``language``, made once per app and mount point: the
    fallback line's own webhook answers at the cost of the signature check alone."""
    made: dict[tuple[str, str], str] = current_app.extensions.setdefault("voice.after_fallback", {})
    key = (request.script_root, language)
    url = made.get(key)
    if url is None:
        url = made[key] = url_for("voice.fallback_result", l=language)
    return url


def leave_the_queue(_answer_by: float) -> str:
    """For wait URLs, where ``<Dial>`` is not allowed: the Enqueue action dials a person."""
    return LEAVE


def go_on(_answer_by: float) -> str:
    """For the agent's leg (bridged to the caller) and status callbacks: nothing."""
    return EMPTY


def keep_the_message(answer_by: float) -> str:
    """A message was recorded: it is kept for later, the caller thanked, the call ends.

    Queueing it may wait for Redis until ``answer_by`` (``time.monotonic``), no longer."""
    form, args = params.form(), params.args()
    if not form.get("RecordingUrl"):
        return dial_a_person()
    message = last_resort.left_message(args.get("q", ""), args["l"], form)
    kept_for_later.keep_message(message, answer_by)
    return last_resort.thanks_for_a_message_kept_later(args["l"])


def last_chance_for_a_message(_answer_by: float) -> str:
    """After the fallback line did not answer: a message, then goodbye."""
    return last_resort.last_chance_for_a_message(params.args()["l"])


def keep_the_call_end(answer_by: float) -> str:
    """A status callback: how the call ended is kept for later; Twilio ignores the answer."""
    kept_for_later.keep_call_end(call_ends.call_end(params.form()), answer_by)
    return EMPTY


def caller_language() -> str:
    """The caller's language as the request's URL tells it; English if it does not."""
    language = request.args.get("l")
    if language is None:
        try:  # a menu step: the language is in its signed navigation state
            state = decode_state(request.args.get("s", "")).get("s")
            language = str(state.get("l") or "en") if isinstance(state, dict) else "en"
        except Exception:  # a tampered or missing state: nothing to go on
            language = "en"
    return language if language in LANGUAGES else "en"
