"""The ``/api`` blueprint: how its errors answer (JSON with a status), and what runs before
every request (the body read once, the offer sweep given its chance). The views are in
``routes`` (session, presence, offers, wrap-up), ``contact`` (my contact, notes, transfer),
``tasks`` and ``customers``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from redis.exceptions import RedisError

from app.agent_api.bodies import BadBody, read_body
from app.login_limits import TooManyAttempts
from app.services.agents import offer_sweeper
from app.services.agents.agent_desk import DeskError
from routing import RoutingError

bp = Blueprint("agent_api", __name__, url_prefix="/api")

JSON = tuple[Any, int]


@bp.errorhandler(DeskError)
def _desk_error(error: DeskError) -> JSON:
    return jsonify(error=str(error)), error.status


@bp.errorhandler(RoutingError)
def _routing_error(error: RoutingError) -> JSON:
    return jsonify(error=str(error)), 403


@bp.errorhandler(BadBody)
def _bad_body(error: BadBody) -> JSON:
    return jsonify(error=str(error)), 400


@bp.errorhandler(TooManyAttempts)
def _too_many_attempts(error: TooManyAttempts) -> JSON:
    response = jsonify(error=str(error))
    response.headers["Retry-After"] = str(error.retry_after)
    return response, 429


@bp.errorhandler(RedisError)
def _redis_down(_error: RedisError) -> JSON:
    # Sessions and log-in counts live in Redis: without it nobody is let in (fail closed).
    return jsonify(error="the live store (Redis) does not answer; try again shortly"), 503


@bp.before_request
def _read_body() -> None:
    # Before any view: a body no endpoint could use is a 400 here, not a 500 later.
    read_body(request)


@bp.before_request
def _sweep_offers() -> None:
    # Heartbeats arrive every 20 s from every logged-in agent: missed offers are taken back
    # even when no worker runs. Cheap when not due (one SET NX), and it never raises.
    offer_sweeper.sweep_if_due()


def body() -> dict[str, Any]:
    """This request's JSON object ({} without one)."""
    return read_body(request)


def text(body: dict[str, Any], name: str) -> str:
    """A string field of the body; anything else (a number, null, a list) counts as empty."""
    value = body.get(name)
    return value if isinstance(value, str) else ""
