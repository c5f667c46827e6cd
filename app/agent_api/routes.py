"""``/api``: log in, presence, the queue with its traces, offers, take a contact, call a
callback's customer back, wrap up.

Browsers log in with a session cookie; every state-changing request carries the CSRF token
from ``GET /api/session`` in an ``X-CSRFToken`` header. Failed log-ins are throttled per
account and per address (429). A body, when sent, must be a JSON object (400 otherwise).
With Redis down, sessions cannot be checked: 503, never a guess. Every request also gives
the offer sweep a chance to run (at most once per interval across all processes).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError

from app import auth
from app.agent_api.bodies import BadBody, read_body
from app.agent_api.presence import choose_presence
from app.login_limits import TooManyAttempts
from app.services.agents import agent_desk, offer_sweeper, wrap_up
from app.services.agents.agent_desk import DeskError
from app.services.callbacks import callback_desk
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


def _body() -> dict[str, Any]:
    return read_body(request)


def _text(body: dict[str, Any], name: str) -> str:
    """A string field of the body; anything else (a number, null, a list) counts as empty."""
    value = body.get(name)
    return value if isinstance(value, str) else ""


@bp.get("/session")
def session_info() -> JSON:
    """Who is logged in, and the CSRF token to send back with changes."""
    user = current_user.user if current_user.is_authenticated else None
    me = {"id": user.id, "name": user.name, "role": user.role.value} if user else None
    return jsonify(user=me, csrf_token=generate_csrf()), 200


@bp.post("/session")
def log_in() -> JSON:
    """Log in with ``{"email", "password"}``."""
    body = _body()
    user = auth.log_in(_text(body, "email"), _text(body, "password"))
    if user is None:
        return jsonify(error="wrong email or password"), 401
    return jsonify(user={"id": user.id, "name": user.name, "role": user.role.value}), 200


@bp.delete("/session")
@login_required
def log_out() -> JSON:
    """Log out, ending the session on the server; an agent is set offline first so no
    contact is offered to nobody."""
    if current_user.user.agent is not None:
        agent_desk.set_presence(current_user.user.agent, "offline")
    auth.log_out()
    return jsonify(ok=True), 200


@bp.put("/agent/presence")
@login_required
def presence() -> JSON:
    """Set ``{"state": "available" | "away" | "offline"}``; calls set busy and wrap-up."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(choose_presence(agent, _body().get("state"))), 200


@bp.post("/agent/heartbeat")
@login_required
def heartbeat() -> JSON:
    """Keep the agent logged in; without one for a minute they are set offline."""
    agent = agent_desk.agent_of(current_user.user)
    alive = agent_desk.heartbeat(agent)
    return jsonify(logged_in=alive), 200 if alive else 409


@bp.get("/agent/queues")
@login_required
def queues() -> JSON:
    """My queues (waiting contacts in priority order, with traces) and my pending offer."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(queues=agent_desk.waiting_for(agent), offer=agent_desk.offer_for(agent)), 200


@bp.get("/agent/offer")
@login_required
def offer() -> JSON:
    """The contact offered to me, why me, and until when; ``null`` when none is."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(offer=agent_desk.offer_for(agent)), 200


@bp.post("/agent/accept")
@login_required
def accept() -> JSON:
    """Take my offer (else the best contact), or ``{"contact_id": ...}``; 409 if taken.

    A caller is connected at once; a callback comes with its number and story, and is
    called only by ``POST /api/agent/call-back``.
    """
    agent = agent_desk.agent_of(current_user.user)
    contact_id = _body().get("contact_id")
    offer = agent_desk.accept(agent, str(contact_id) if contact_id else None)
    entry = offer.entry
    return jsonify(
        contact_id=entry.contact_id,
        queue=entry.queue,
        kind=entry.payload.get("kind", "call"),
        trace=list(entry.payload.get("trace", [])),
        offer_trace=list(entry.offer_trace),
        status=offer.connecting,
        callback=offer.callback,
    ), 200


@bp.post("/agent/call-back")
@login_required
def call_back() -> JSON:
    """Call the customer of my accepted callback ``{"contact_id"}``, once I judged the number."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(callback_desk.call_back(agent, _text(_body(), "contact_id"))), 200


@bp.post("/agent/decline")
@login_required
def decline() -> JSON:
    """Decline my pending offer: it goes to the next best agent; I stay available."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(agent_desk.decline(agent)), 200


@bp.post("/agent/finish")
@login_required
def finish() -> JSON:
    """Wrap up my contact ``{"contact_id", "wrap_up_code", "notes"}`` once; available again."""
    body = _body()
    agent = agent_desk.agent_of(current_user.user)
    result = wrap_up.finish(
        agent, _text(body, "contact_id"), _text(body, "wrap_up_code"), _text(body, "notes")
    )
    return jsonify(result), 200
