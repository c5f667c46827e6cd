"""The call to a callback's customer, once they pick up: put through only while the callback
is still live with the agent who placed it.

An agent who wraps the callback up, or loses it back to the line, while the customer's
phone rings must not be rung when the customer answers: the customer hears a short apology
and, if the task is still open, that we will call again (it is in line, or with a person);
if it was wrapped up, a person on the fallback line. Wrapping up a callback whose call is
still ringing also asks Twilio to cancel that call; a customer who picked up meanwhile is
sent back to the connect URL, which now apologizes.
"""

from __future__ import annotations

import logging

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from app.models import TaskStatus
from app.services.callbacks import callback_view
from app.services.calls import queueing
from app.services.calls.hold_messages import say_text
from app.twilio.gateway import twilio_gateway
from app.twilio.ivr_twiml import locale
from routing.store import EntryState

log = logging.getLogger(__name__)


def live_with(agent_id: str, contact_id: str, accepted_at: str = "") -> bool:
    """Whether the callback is still this agent's, from the acceptance that placed the call
    (``accepted_at``, as the connect URL carries it; none from URLs made before it did)."""
    entry = queueing.store().entry(contact_id)
    if entry is None or entry.state is not EntryState.OFFERED or entry.agent_id != agent_id:
        return False
    if entry.accepted_at is None or accepted_at not in ("", repr(entry.accepted_at)):
        return False
    task = callback_view.task_for(contact_id)
    return task is None or task.status is TaskStatus.OPEN


def not_put_through(contact_id: str, language: str) -> str:
    """What a customer hears who picked up a callback its agent no longer has."""
    task = callback_view.task_for(contact_id)
    response = VoiceResponse()
    if task is not None and task.status is TaskStatus.OPEN:  # it waits to be called again
        response.say(say_text(language, "callback_again"), language=locale(language))
        response.hangup()
        return str(response)
    response.say(say_text(language, "callback_gone"), language=locale(language))
    response.dial(current_app.config["FALLBACK_NUMBER"])
    return str(response)


def hang_up(call_sid: str, connect_url: str) -> None:
    """The callback was wrapped up before its agent answered: cancel the customer's call
    if it still rings; if they picked up, send them to ``connect_url`` to hear why.

    The wrap-up stands whatever Twilio answers: a customer who picks up later is still
    not put through (``live_with``)."""
    try:
        if twilio_gateway.cancel_call(call_sid) == "in-progress":
            twilio_gateway.redirect_call(call_sid, connect_url)
    except Exception:  # Twilio's fault or ours: logged, and the agent is free anyway
        log.warning("could not stop the callback call %s", call_sid, exc_info=True)
