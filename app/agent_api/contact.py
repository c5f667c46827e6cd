"""``/api/agent/contact``: my current contact (traces, customer 360, IVR path, draft notes,
the wrap-up owed), my notes kept as I type, and transferring my live call."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from app.agent_api.blueprint import JSON, body, bp, text
from app.services.agents import agent_desk, contact_view, transfers


@bp.get("/agent/contact")
@login_required
def my_contact() -> JSON:
    """The contact I accepted and have not wrapped up (``null`` when none), and the codes."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(contact_view.my_contact(agent)), 200


@bp.put("/agent/contact/notes")
@login_required
def save_notes() -> JSON:
    """Keep ``{"contact_id", "notes"}`` as a draft until the wrap-up saves them."""
    agent = agent_desk.agent_of(current_user.user)
    fields = body()
    notes = fields.get("notes")
    if not isinstance(notes, str):
        return jsonify(error="notes must be a string"), 400
    return jsonify(contact_view.save_draft(agent, text(fields, "contact_id"), notes)), 200


@bp.post("/agent/transfer")
@login_required
def transfer() -> JSON:
    """Send my live call ``{"contact_id", "queue"}`` or ``{"contact_id", "agent_id"}`` on."""
    agent = agent_desk.agent_of(current_user.user)
    fields = body()
    if fields.get("queue") is not None and fields.get("agent_id") is not None:
        return jsonify(error="name a queue or an agent_id, not both"), 400
    if fields.get("queue") is not None and not isinstance(fields.get("queue"), str):
        return jsonify(error="queue must be a queue's name"), 400
    result = transfers.transfer(
        agent, text(fields, "contact_id"), text(fields, "queue"), fields.get("agent_id")
    )
    return jsonify(result), 200
