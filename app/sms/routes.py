"""SMS webhooks: what Twilio asks when a text comes in or a delivery changes state.

A text is handled by ``app.services.texting.incoming`` (keywords, a person, or an answer
from the community); the reply, if any, is the TwiML answer, so it goes only to the
number that wrote. Delivery receipts move each message's state forward. On any fault the
texter is given the human line (``faults``); ``/sms/fallback`` does so without a store.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app
from twilio.twiml.messaging_response import MessagingResponse

from app.extensions import db
from app.services.texting import incoming as texting
from app.services.texting import receipts
from app.services.texting.sending import status_callback_url
from app.sms.faults import answers_with_a_person
from app.twilio import params
from app.twilio.security import accept_webhook
from app.twilio.twiml import sms_apology, twiml_response

EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'

bp = Blueprint("sms", __name__, url_prefix="/sms")
bp.before_request(accept_webhook)

TwiML = tuple[str, int, dict[str, str]]


@bp.post("/fallback")
def fallback() -> TwiML:
    """Twilio's "primary handler fails" URL for messages: apologize and give the human line."""
    return twiml_response(sms_apology(current_app.config["FALLBACK_NUMBER"]))


@bp.post("/incoming")
@answers_with_a_person
def incoming() -> TwiML:
    """A text came in: keywords, a person, or an answer; the reply (or none) as TwiML."""
    form = params.form()
    text = texting.Inbound(
        sid=form.get("MessageSid") or form.get("SmsSid", ""),
        phone=form.get("From", ""),
        our_number=form.get("To", ""),
        body=form.get("Body", ""),
        opt_out_type=form.get("OptOutType", ""),
    )
    reply = texting.receive(db.session, text)
    if not reply:
        return twiml_response(EMPTY)
    # Twilio posts the reply's delivery receipts to its action URL; it names the text
    # answered, so the first receipt finds the reply (receipts.record_receipt).
    action = f"{status_callback_url()}?{urlencode({'reply_to': text.sid})}" if text.sid else None
    return twiml_response(sms_reply(reply, action))


@bp.post("/status")
@answers_with_a_person
def status() -> TwiML:
    """A delivery receipt: the message's state moves forward (Twilio ignores the answer)."""
    form = params.form()
    receipts.record_receipt(
        db.session,
        form.get("MessageSid") or form.get("SmsSid", ""),
        form.get("MessageStatus") or form.get("SmsStatus", ""),
        params.parse_whole(form.get("ErrorCode")),
        form.get("To", ""),
        reply_to=params.args().get("reply_to", ""),
    )
    return twiml_response(EMPTY)


def sms_reply(body: str, action: str | None = None) -> str:
    """A TwiML reply of ``body`` to whoever wrote; Twilio reports its delivery to ``action``."""
    response = MessagingResponse()
    response.message(body, action=action)
    return str(response)
