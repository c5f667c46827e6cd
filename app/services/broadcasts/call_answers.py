"""A broadcast call once Twilio has it: what it says to whoever answers, where 0 leads,
and how its status callbacks move its delivery.

Answering-machine detection (``DetectMessageEnd``) tells the webhook who answered
(``AnsweredBy``): a machine hears the message after its beep, and how to call us, then the
call ends; a fax is hung up on; a person (or ``unknown``: a silent person) hears the
message, which ends by offering a person on 0, and once more if they press nothing; 0 puts
them in the queues as the IVR's 0 does (``ivr.answer_asked_for_person``).

Status callbacks move a delivery forward only: a call that exists is ``sent`` (from
pending, claimed or skipped: the callback may come before the worker records the SID, and
records it itself), ``completed`` is ``delivered`` (``failed`` for a fax: nobody heard
it), busy, no-answer, failed and canceled are ``failed`` with that status and Twilio's
error code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.orm import Session

from app.models import Delivery, DeliveryState, utcnow
from app.services.broadcasts import broadcast_calls
from app.services.calls import call_ends, calls, hold, ivr
from app.services.scripts import scripts
from app.twilio import notice_twiml
from app.twilio.params import parse_whole

log = logging.getLogger(__name__)

MACHINES = {"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other"}
FAX = "fax"
STARTED = {"queued", "initiated", "ringing", "in-progress"}
UNREACHED = {"busy", "no-answer", "failed", "canceled"}
# From which states a call's news moves a delivery: forward only.
BEFORE_SENT = (DeliveryState.PENDING, DeliveryState.CLAIMED, DeliveryState.SKIPPED)
BEFORE_END = (*BEFORE_SENT, DeliveryState.SENT)


def answered(session: Session, delivery_id: int, form: Mapping[str, str]) -> str:
    """The TwiML for a broadcast call someone (or something) answered; commits."""
    delivery = session.get(Delivery, delivery_id)
    who = form.get("AnsweredBy", "")
    record_status(session, delivery_id, {**form, "CallStatus": "in-progress"})
    session.commit()
    language = delivery.language if delivery is not None else "en"
    message = (delivery.body if delivery is not None else "") or ""
    if who == FAX:
        return notice_twiml.hang_up()
    if who in MACHINES:
        return notice_twiml.leave_a_message(for_a_machine(message, language), language)
    return _offer(delivery_id, message, language, heard=0)


def key_pressed(
    session: Session, delivery_id: int, form: Mapping[str, str], heard: str, language: str
) -> str:
    """The person's key after the message: 0 a person; else the message once more, then
    goodbye. Commits."""
    if form.get("Digits", "").startswith("0"):
        session.execute(
            update(Delivery).where(Delivery.id == delivery_id).values(asked_for_person=True)
        )
        session.commit()
        return ivr.answer_asked_for_person(form, language)
    if (parse_whole(heard) or 0) >= 1:
        return notice_twiml.goodbye(language)
    delivery = session.get(Delivery, delivery_id)
    message = (delivery.body if delivery is not None else "") or ""
    return _offer(delivery_id, message, language, heard=1)


def _offer(delivery_id: int, message: str, language: str, heard: int) -> str:
    action = broadcast_calls.url(broadcast_calls.KEY_PATH, delivery_id, language, r=heard)
    spoken = language if language in scripts.PERSON_OFFER else "en"
    if not scripts.ends_with_offer(message, spoken):  # a person is always one key away
        message = f"{message} {scripts.PERSON_OFFER[spoken]}".strip()
    before = notice_twiml.words(language, "again") if heard else ""
    return notice_twiml.offer_a_person(message, language, action, before)


def for_a_machine(message: str, language: str) -> str:
    """The message for an answering machine: "press 0" means nothing to whoever plays it
    back, so it ends with our number to call instead."""
    offer = scripts.PERSON_OFFER.get(language, scripts.PERSON_OFFER["en"])
    said = message.strip()
    if said.casefold().endswith(offer.casefold()):
        said = said[: -len(offer)].rstrip()
    number = notice_twiml.spoken_number(current_app.config["TWILIO_NUMBER"])
    return f"{said} {notice_twiml.words(language, 'call_us', number=number)}".strip()


def record_status(session: Session, delivery_id: int, form: Mapping[str, str]) -> bool:
    """Move the delivery as the call's status says (forward only), keeping the CallSid,
    who answered and how it ended; True if its state changed. The caller commits."""
    status, who = form.get("CallStatus", ""), form.get("AnsweredBy", "") or None
    now = utcnow()
    facts: dict[str, object] = {"sid": func.coalesce(Delivery.sid, form.get("CallSid") or None)}
    if who:
        facts["answered_by"] = who
    if status not in STARTED:
        facts["call_status"] = status
        if (code := parse_whole(form.get("ErrorCode"))) is not None:
            facts["error_code"] = code
    if status in STARTED:
        state, before = DeliveryState.SENT, BEFORE_SENT
    elif status == "completed":
        fax = who == FAX or _answered_by(session, delivery_id) == FAX
        state, before = (DeliveryState.FAILED if fax else DeliveryState.DELIVERED), BEFORE_END
    elif status in UNREACHED:
        state, before = DeliveryState.FAILED, BEFORE_END
    else:
        return False
    found = update(Delivery).where(Delivery.id == delivery_id)
    session.execute(found.values(**facts), execution_options={"synchronize_session": False})
    moved = session.execute(
        found.where(Delivery.state.in_(before)).values(
            state=state, sent_at=func.coalesce(Delivery.sent_at, now), updated_at=now
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    return bool(moved)


def call_status(session: Session, delivery_id: int, form: Mapping[str, str]) -> None:
    """A broadcast call's status callback: its delivery moved; a call that went on to
    the queues (0 pressed) closed as the IVR's are. Commits."""
    record_status(session, delivery_id, form)
    end = call_ends.call_end(form)
    # Only a call that went on to our queues has a record, or a place in line.
    reached_us = end.status in calls.FINAL_STATUSES and (
        calls.interaction_for(session, end.call_sid) is not None
    )
    if reached_us:
        call_ends.close_call(session, end)
    session.commit()
    if reached_us:
        hold.forget_ended_call(end.call_sid, end.status)


def _answered_by(session: Session, delivery_id: int) -> str | None:
    delivery = session.get(Delivery, delivery_id)
    return delivery.answered_by if delivery is not None else None
