"""Delivery receipts move a message forward only; 21610 opts the number out, 21211 marks
it invalid; agents' replies go through Twilio with /sms/status as their callback."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Conversation, ConversationState, Customer, Message, MessageDirection
from app.services.texting import numbers
from app.services.texting.receipts import moves_forward
from tests.functional.texts import OUR_NUMBER, TEXTER, sms_params, status_params


def outbound(sid: str, status: str = "queued") -> Message:
    conversation = Conversation(phone=TEXTER, our_number=OUR_NUMBER, state=ConversationState.BOT)
    db.session.add(conversation)
    db.session.flush()
    message = Message(
        sid=sid,
        conversation_id=conversation.id,
        direction=MessageDirection.OUT,
        body="hi",
        status=status,
    )
    db.session.add(message)
    db.session.commit()
    return message


@pytest.mark.parametrize(
    ("old", "new", "taken"),
    [
        ("queued", "sent", True),
        ("sent", "delivered", True),
        ("delivered", "sent", False),
        ("delivered", "read", True),
        ("failed", "delivered", False),
        ("undelivered", "sent", False),
        ("sent", "bogus", False),
    ],
)
def test_a_message_state_only_moves_forward(old, new, taken) -> None:
    assert moves_forward(old, new) is taken


def test_receipts_out_of_order_leave_the_message_delivered(twilio_post) -> None:
    sid = "SM" + "1" * 32
    outbound(sid)

    for status in ("sent", "delivered", "sent", "queued"):
        assert twilio_post("/sms/status", status_params(sid, status)).status_code == 200

    assert db.session.scalars(select(Message)).one().status == "delivered"


def test_error_21610_records_an_opt_out_and_nothing_more_is_sent(twilio_post) -> None:
    sid = "SM" + "2" * 32
    outbound(sid)

    twilio_post("/sms/status", status_params(sid, "failed", ErrorCode="21610"))

    message = db.session.scalars(select(Message)).one()
    assert (message.status, message.error_code) == ("failed", 21610)
    assert numbers.refusal(db.session, TEXTER) == numbers.OPTED_OUT


def test_error_21211_marks_the_number_invalid(twilio_post) -> None:
    sid = "SM" + "3" * 32
    outbound(sid)

    twilio_post("/sms/status", status_params(sid, "undelivered", ErrorCode="21211"))

    customer = db.session.scalars(select(Customer)).one()
    assert customer.phone_invalid_code == 21211
    assert numbers.refusal(db.session, TEXTER) == numbers.INVALID


def test_error_21614_is_kept_on_the_message_only(twilio_post) -> None:
    sid = "SM" + "4" * 32
    outbound(sid)

    twilio_post("/sms/status", status_params(sid, "undelivered", ErrorCode="21614"))

    assert db.session.scalars(select(Message)).one().error_code == 21614
    assert numbers.refusal(db.session, TEXTER) is None


def test_a_reply_sent_as_twiml_gets_its_receipts_through_its_action_url(twilio_post) -> None:
    asked = sms_params("HELP")
    answer = twilio_post("/sms/incoming", asked)

    message = ET.fromstring(answer.data).find("Message")
    assert message is not None and message.text
    action = urlsplit(message.get("action", ""))
    assert action.path == "/sms/status"
    # Twilio posts the reply's receipts to the action URL, query and all, with the reply's
    # own MessageSid, which nobody knew when the TwiML was written.
    reply_sid = "SM" + "9" * 32
    path = f"{action.path}?{action.query}"
    for status in ("sent", "delivered"):
        assert twilio_post(path, status_params(reply_sid, status)).status_code == 200

    sent = db.session.scalars(select(Message).where(Message.direction == MessageDirection.OUT))
    assert [(m.sid, m.status, m.body) for m in sent] == [(reply_sid, "delivered", message.text)]


def test_a_receipt_naming_a_text_that_got_no_reply_changes_nothing(twilio_post) -> None:
    sid = "SM" + "4" * 32
    outbound(sid, status="sent")

    path = "/sms/status?" + urlencode({"reply_to": "SM" + "5" * 32})
    twilio_post(path, status_params("SM" + "6" * 32, "delivered"))

    assert [(m.sid, m.status) for m in db.session.scalars(select(Message))] == [(sid, "sent")]
