"""How callers fare in the IVR: containment, handovers, and where callers drop."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import CallStep, Interaction, InteractionChannel, utcnow

# Outcomes the IVR records when it hands a call to people (see services/ivr.py).
HANDOVER_OUTCOMES = {"queued", "transferred", "voicemail", "callback", "fallback"}


@dataclass
class FlowStats:
    """One flow's calls over a period."""

    flow: str
    calls: int = 0
    to_people: Counter[str] = field(default_factory=Counter)
    ended_in_ivr: int = 0
    in_progress: int = 0
    dropped_at: Counter[str] = field(default_factory=Counter)

    @property
    def containment(self) -> float:
        """Share of finished calls that ended in the IVR without a handover to a person."""
        finished = self.calls - self.in_progress
        return self.ended_in_ivr / finished if finished else 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "flow": self.flow,
            "calls": self.calls,
            "in_progress": self.in_progress,
            "to_people": dict(self.to_people),
            "ended_in_ivr": self.ended_in_ivr,
            "containment": round(self.containment, 4),
            "dropped_at": dict(self.dropped_at.most_common()),
        }


def flow_stats(session: Session, since: datetime | None = None) -> list[FlowStats]:
    """Per flow: calls, handovers by kind, containment, and the last node of dropped calls."""
    since = since or utcnow() - timedelta(days=7)
    calls = session.execute(
        select(Interaction.id, Interaction.details, Interaction.outcome, Interaction.ended_at)
        .where(Interaction.channel == InteractionChannel.VOICE)
        .where(Interaction.started_at >= since)
    ).all()
    last_nodes = _last_nodes(session, [row.id for row in calls])
    stats: dict[str, FlowStats] = {}
    for row in calls:
        flow = str((row.details or {}).get("flow", ""))
        if not flow:
            continue  # not an IVR call (outbound, imported history)
        entry = stats.setdefault(flow, FlowStats(flow))
        entry.calls += 1
        if row.outcome in HANDOVER_OUTCOMES:
            entry.to_people[row.outcome] += 1
        elif row.ended_at is None:
            entry.in_progress += 1
        else:
            entry.ended_in_ivr += 1
            entry.dropped_at[last_nodes.get(row.id, "?")] += 1
    return sorted(stats.values(), key=lambda s: s.flow)


def _last_nodes(session: Session, interaction_ids: list[int]) -> dict[int, str]:
    """The last node each call reached."""
    last: dict[int, str] = {}
    for chunk_start in range(0, len(interaction_ids), 500):
        chunk = interaction_ids[chunk_start : chunk_start + 500]
        newest = (
            select(CallStep.interaction_id, func.max(CallStep.id).label("step_id"))
            .where(CallStep.interaction_id.in_(chunk))
            .group_by(CallStep.interaction_id)
            .subquery()
        )
        rows = session.execute(
            select(CallStep.interaction_id, CallStep.node_id).join(
                newest, CallStep.id == newest.c.step_id
            )
        )
        last.update({row.interaction_id: row.node_id for row in rows})
    return last
