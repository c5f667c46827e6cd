"""Jobs for broadcasts: plan one broadcast's audience; send one broadcast's texts (several
such jobs share the work)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from app.extensions import db
from app.jobs import app_context
from app.services.broadcasts import planning, sending_run

log = logging.getLogger(__name__)


def plan_broadcast(broadcast_id: int) -> dict[str, Any] | None:
    """Write the broadcast's audience and check its script with a few recipients."""
    with app_context():
        try:
            made = planning.run(db.session, broadcast_id)
        except Exception:
            db.session.rollback()
            log.exception("broadcast %s: planning failed; the upkeep plans it again", broadcast_id)
            raise
        if made is None:
            log.info("broadcast %s: not planning any more; nothing to do", broadcast_id)
            return None
        log.info("broadcast %s: %s, %s", broadcast_id, made.broadcast.state.value, made.planned)
        return {"state": made.broadcast.state.value, **asdict(made.planned)}


def send_broadcast(broadcast_id: int) -> dict[str, Any]:
    """Send the broadcast's pending deliveries until none is left, or it is paused."""
    with app_context():
        try:
            done = sending_run.run(db.session, broadcast_id)
        except Exception:
            db.session.rollback()
            log.exception("broadcast %s: a send job failed; the upkeep restarts it", broadcast_id)
            raise
        log.info("broadcast %s: %s", broadcast_id, done)
        return asdict(done)
