"""Jobs for texting: the periodic upkeep of deflections and queued conversations."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from rq import get_current_job

from app.extensions import db
from app.jobs import app_context
from app.services.texting import upkeep

log = logging.getLogger(__name__)


def texting_upkeep() -> dict[str, Any]:
    """Settle deflections (no reply, false after a call) and requeue waiting texts."""
    with app_context():
        try:
            return asdict(upkeep.run(db.session))
        except Exception:
            job = get_current_job()
            log.exception("texting upkeep failed (job %s)", job.id if job else "-")
            raise
