"""Texts we send through Twilio's REST API (an agent's reply): never to a number that
opted out or that Twilio called invalid, never longer than Twilio takes."""

from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioException, TwilioRestException

from app.models import Conversation, Message, MessageDirection
from app.services.texting import conversations, numbers, segments
from app.twilio.gateway import twilio_gateway

log = logging.getLogger(__name__)


class NotSent(Exception):
    """The text was not sent; ``reason`` says why (``opted_out``, ``invalid_number``...)."""

    def __init__(self, reason: str, message: Message | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


def status_callback_url() -> str:
    """Where Twilio reports delivery: ``/sms/status`` as Twilio reaches it."""
    base = current_app.config["PUBLIC_BASE_URL"]
    path = url_for("sms.status")
    return base + path if base else url_for("sms.status", _external=True)


def send(
    session: Session, conversation: Conversation, body: str, agent_id: int | None = None
) -> Message:
    """Text ``body`` (cut to Twilio's limit) to the conversation's number; the message.

    ``NotSent`` if the number may not be texted or Twilio refused; a refusal that says
    something lasting (21610 opted out, 21211 invalid) is kept on the number.
    """
    reason = numbers.refusal(session, conversation.phone)
    if reason is not None:
        raise NotSent(reason)
    body = segments.cut(body)
    message = conversations.add_message(
        session, conversation, MessageDirection.OUT, body, agent_id=agent_id
    )
    sender = conversation.our_number or current_app.config["TWILIO_NUMBER"]
    try:
        sid = twilio_gateway.send_sms(conversation.phone, body, sender, status_callback_url())
    except TwilioRestException as exc:
        message.status = "failed"
        message.error_code = exc.code if isinstance(exc.code, int) else None
        numbers.carrier_refused(session, conversation.phone, message.error_code)
        log.warning("Twilio refused a text to conversation %s: %s", conversation.id, exc.code)
        raise NotSent(f"twilio_error_{exc.code}", message) from None
    except TwilioException as exc:
        message.status = "failed"
        log.warning("a text to conversation %s was not sent: %s", conversation.id, exc)
        raise NotSent("not_sent", message) from None
    message.sid = sid
    message.status = "queued"
    return message
