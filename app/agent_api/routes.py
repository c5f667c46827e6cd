"""``/api``: log in, presence, the queue with its traces, offers, take a contact, call a
callback's customer back, wrap up (my contact, tasks and customers: the modules beside).

Browsers log in with a session cookie; every state-changing request carries the CSRF token
from ``GET /api/session`` in an ``X-CSRFToken`` header. Failed log-ins are throttled per
account and per address (429). A body, when sent, must be a JSON object (400 otherwise).
With Redis down, sessions cannot be checked: 503, never a guess. Every request also gives
the offer sweep a chance to run (at most once per interval across all processes).
"""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from app import auth

# The other views register on the same blueprint when imported.
from app.agent_api import contact, customers, tasks, texts  # noqa: F401
from app.agent_api.blueprint import JSON, bp
from app.agent_api.blueprint import body as _body
from app.agent_api.blueprint import text as _text
from app.agent_api.presence import choose_presence
from app.services.agents import agent_desk, wrap_up
from app.services.callbacks import callback_desk

__all__ = ["bp"]


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
