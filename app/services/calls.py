"""Voice calls in the IVR: who is calling, what happened at each step, how the call ended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    CallStep,
    Case,
    CaseStatus,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    utcnow,
)
from ivr_flows import Caller

# Twilio's final CallStatus values; anything else is a call still in progress.
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
MAX_DETAIL = 200


def find_customer(session: Session, phone: str) -> Customer | None:
    """The customer whose phone number is ``phone`` (E.164), if any."""
    if not phone:
        return None
    return session.scalars(select(Customer).where(Customer.phone == phone.strip())).first()


def caller_profile(session: Session, customer: Customer | None) -> Caller:
    """What a flow's branches may know about the caller."""
    if customer is None:
        return Caller()
    open_case = session.scalar(
        select(exists().where(Case.customer_id == customer.id, Case.status == CaseStatus.OPEN))
    )
    return Caller(
        known=True,
        tier=customer.tier.value,
        language=customer.language,
        region=customer.region,
        has_open_case=bool(open_case),
    )


def open_call(
    session: Session, call_sid: str, from_number: str, to_number: str, flow_id: str
) -> tuple[Interaction, Customer | None]:
    """The interaction for ``call_sid``, created on its first webhook (replays find it)."""
    existing = interaction_for(session, call_sid)
    customer = find_customer(session, from_number)
    if existing is not None:
        return existing, customer
    interaction = Interaction(
        customer_id=customer.id if customer else None,
        channel=InteractionChannel.VOICE,
        direction=Direction.INBOUND,
        twilio_sid=call_sid[:64] or None,
        from_number=from_number[:32],
        to_number=to_number[:32],
        details={"flow": flow_id},
    )
    session.add(interaction)
    try:
        session.flush()
    except IntegrityError:  # the same CallSid raced in on another process
        session.rollback()
        return interaction_for(session, call_sid) or interaction, customer
    return interaction, customer


def interaction_for(session: Session, call_sid: str) -> Interaction | None:
    """The interaction recorded for a CallSid."""
    if not call_sid:
        return None
    return session.scalars(
        select(Interaction).where(Interaction.twilio_sid == call_sid[:64])
    ).first()


def record_steps(
    session: Session,
    interaction: Interaction,
    flow_id: str,
    events: Iterable[tuple[str, str, str]],
) -> None:
    """Append ``(node, event, detail)`` events to the call's IVR trail."""
    session.add_all(
        CallStep(
            interaction_id=interaction.id,
            flow_id=flow_id,
            node_id=node[:64],
            event=event[:16],
            detail=detail[:MAX_DETAIL],
        )
        for node, event, detail in events
    )


def mark_outcome(interaction: Interaction, outcome: str, queue_name: str = "") -> None:
    """Note how the IVR part of the call ended (human, self_service, fallback ...)."""
    interaction.outcome = outcome[:32]
    if queue_name:
        interaction.details = {**interaction.details, "queue": queue_name}


def close_call(
    session: Session, call_sid: str, status: str, duration: str, ended_at: datetime | None = None
) -> Interaction | None:
    """Record a final status: the end time, duration and, if none yet, the outcome."""
    interaction = interaction_for(session, call_sid)
    if interaction is None or status not in FINAL_STATUSES:
        return interaction
    interaction.ended_at = interaction.ended_at or ended_at or utcnow()
    seconds = int(duration) if duration.isdigit() else None
    interaction.details = {**interaction.details, "status": status, "duration": seconds}
    if not interaction.outcome:
        interaction.outcome = "abandoned_in_ivr" if status == "completed" else status
    return interaction
