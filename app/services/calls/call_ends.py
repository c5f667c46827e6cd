"""The end of a call, as Twilio's status callback tells it: the record closed, or made late."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Direction, Interaction, utcnow
from app.services.callbacks import tasks
from app.services.calls.calls import FINAL_STATUSES, identify, interaction_for, open_call
from app.twilio.params import parse_whole


@dataclass(frozen=True)
class CallEnd:
    """What Twilio's status callback says of a call: how it ended, and between whom."""

    call_sid: str
    status: str
    duration: str
    from_number: str = ""
    to_number: str = ""
    direction: str = ""  # Twilio's: inbound, outbound-api, outbound-dial


def call_end(form: Mapping[str, str]) -> CallEnd:
    """The end of a call as a status callback's form tells it."""
    return CallEnd(
        call_sid=form.get("CallSid", ""),
        status=form.get("CallStatus", ""),
        duration=form.get("CallDuration", ""),
        from_number=form.get("From", ""),
        to_number=form.get("To", ""),
        direction=form.get("Direction", ""),
    )


def close_call(
    session: Session, end: CallEnd, ended_at: datetime | None = None
) -> Interaction | None:
    """Record a final status: the end time, duration and, if none yet, the outcome.

    A call we never recorded (its first webhook fell back before it could) is recorded now,
    its outcome ``unrecorded``, or the kind of the task it left (a message, a callback). A
    duration that is not a plain whole number is left out; the call is closed anyway.
    """
    interaction = interaction_for(session, end.call_sid)
    if end.status not in FINAL_STATUSES:
        return interaction
    if interaction is None:
        interaction = _record_late(session, end)
        if interaction is None:
            return None
    interaction.ended_at = interaction.ended_at or ended_at or utcnow()
    seconds = parse_whole(end.duration)
    interaction.details = {**interaction.details, "status": end.status, "duration": seconds}
    if not interaction.outcome:
        interaction.outcome = "abandoned_in_ivr" if end.status == "completed" else end.status
    return interaction


def _record_late(session: Session, end: CallEnd) -> Interaction | None:
    """The record of a call we first hear of as it ends; None without a CallSid."""
    if not end.call_sid:
        return None
    customer_id, _ = identify(session, end.from_number)
    # No flow: the IVR never saw the call, so its figures leave it out.
    interaction_id = open_call(
        session, end.call_sid, end.from_number, end.to_number, "", customer_id
    )
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:  # deleted since: never expected
        return None
    if end.direction.startswith("outbound"):
        interaction.direction = Direction.OUTBOUND
    task = tasks.for_call(session, end.call_sid)
    if task is not None:  # a message or a callback request, kept before the call was known
        task.interaction_id = task.interaction_id or interaction.id
        interaction.outcome = task.kind.value
    interaction.outcome = interaction.outcome or "unrecorded"
    return interaction
