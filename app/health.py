"""``/healthz``: whether the database and Redis answer, always as JSON, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.deadline import DeadlineExceeded, within
from app.extensions import db, redis_store

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        # Bounded: a server that accepts and never answers would hold a web worker for good.
        with within(current_app.config["STORE_TIMEOUT"]), db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except (Exception, DeadlineExceeded) as exc:  # any failure means "down"; why goes to the log
        log.warning("health: database unreachable: %s", exc.__class__.__name__)
        return False


def _redis_ok() -> bool:
    try:
        return bool(redis_store.client.ping())
    except Exception as exc:
        log.warning("health: redis unreachable: %s", exc.__class__.__name__)
        return False


@bp.get("/healthz")
def healthz() -> tuple[Any, int]:
    """200 when every store answers, 503 naming the one that does not."""
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    body = {
        "status": "ok" if all(checks.values()) else "degraded",
        **{name: "ok" if up else "down" for name, up in checks.items()},
    }
    return jsonify(body), 200 if all(checks.values()) else 503
