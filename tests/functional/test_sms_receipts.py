"""Delivery receipts move a message forward only; 21610 opts the number out, 21211 marks
it invalid; agents' replies go through Twilio with /sms/status as their callback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Conversation, ConversationState, Customer, Message, MessageDirection
from app.services.texting import numbers
from app.services.texting.receipts import moves_forward
from tests.functional.texts import OUR_NUMBER, TEXTER, status_params


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
