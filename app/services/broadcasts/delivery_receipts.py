"""A broadcast text's delivery receipt (``/sms/status``): its delivery moves forward only."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Delivery, DeliveryState, utcnow

# Twilio's MessageStatus values that say more than "sent".
FINAL = {
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.DELIVERED,
    "undelivered": DeliveryState.FAILED,
    "failed": DeliveryState.FAILED,
    "canceled": DeliveryState.FAILED,
}


def record(session: Session, sid: str, status: str, error_code: int | None) -> bool:
    """Move the delivery Twilio reports on to delivered or failed (from sent only: a late
    receipt never takes one back); True if one changed. The caller commits."""
    state = FINAL.get(status)
    if not sid or state is None:
        return False
    changed = session.execute(
        update(Delivery)
        .where(Delivery.sid == sid, Delivery.state == DeliveryState.SENT)
        .values(state=state, error_code=error_code, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    return bool(changed)
