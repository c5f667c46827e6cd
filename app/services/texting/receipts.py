"""Delivery receipts (``/sms/status``): each message's state moves forward only.

Twilio posts a callback per status change, not necessarily in order: a late "sent" never
takes a message back from "delivered". A final state (delivered, undelivered, failed) is
kept once reached, but "read" (a channel that reports it) may follow "delivered". Error
21610 on any send means the number opted out with the carrier; 21211 that it is invalid.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Message, utcnow
from app.services.broadcasts import delivery_receipts
from app.services.texting import numbers

# Twilio's MessageStatus values, by how far along a message is.
RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "receiving": 3,
    "received": 4,
    "canceled": 5,
    "failed": 5,
    "undelivered": 5,
    "delivered": 5,
    "read": 6,
}
FINAL = frozenset({"canceled", "failed", "undelivered", "delivered"})
REPLY_PREFIX = "reply:"


def moves_forward(old: str, new: str) -> bool:
    """Whether a message in state ``old`` takes ``new`` (unknown states never replace)."""
    if new not in RANK:
        return False
    if old in FINAL:
        return new == "read" and old == "delivered"
    return RANK[new] > RANK.get(old, -1)


def reply_key(inbound_sid: str) -> str:
    """What a reply sent as TwiML is known by until Twilio's first receipt gives its
    MessageSid: the inbound text's, marked. Its ``<Message action>`` URL names the same
    inbound sid (``?reply_to=``), so that receipt finds it."""
    return REPLY_PREFIX + inbound_sid


def record_receipt(
    session: Session,
    sid: str,
    status: str,
    error_code: int | None,
    to_number: str,
    reply_to: str = "",
) -> bool:
    """Update the message Twilio reports on; True if its state changed. Commits.

    ``reply_to``: the inbound MessageSid a TwiML reply answered, from its receipt's URL;
    the first receipt gives the reply its own MessageSid."""
    if error_code is not None and to_number:
        numbers.carrier_refused(session, to_number, error_code)
    message = session.scalars(select(Message).where(Message.sid == sid)).first() if sid else None
    if message is None and sid and reply_to:
        message = session.scalars(select(Message).where(Message.sid == reply_key(reply_to))).first()
        if message is not None:
            message.sid = sid
    if message is None:  # not a conversation's: perhaps a broadcast's
        changed = delivery_receipts.record(session, sid, status, error_code)
        session.commit()
        return changed
    changed = moves_forward(message.status, status)
    if changed:
        message.status = status
        message.updated_at = utcnow()
        if error_code is not None:
            message.error_code = error_code
    session.commit()
    return changed
