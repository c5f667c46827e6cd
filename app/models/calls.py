"""IVR steps: where each call went in its flow, so supervisors see drop-off and containment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class CallStep(Base):
    """One event of a call in the IVR: a node reached, an answer given, a handover."""

    __tablename__ = "call_steps"
    __table_args__ = (
        Index("ix_call_steps_flow_node", "flow_id", "node_id"),
        # Twilio retries a webhook that timed out: a replayed step adds no rows. Its leading
        # column also serves the lookups by call.
        Index("uq_call_steps_replay", "interaction_id", "step", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[str] = mapped_column(String(64))
    # node, digits, speech, silence, handover, fallback, hangup
    event: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200), default="")
    # The webhook that recorded it (a digest of its menu state) and its place among that
    # webhook's events; rows from before replays were recognized keep "" and their id.
    step: Mapped[str] = mapped_column(String(16), default="", server_default="")
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    at: Mapped[datetime] = mapped_column(default=utcnow)
