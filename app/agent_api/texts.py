"""``/api/agent/texts``: my SMS conversations, a thread with the texter's 360° view, reply
(through Twilio, with a delivery status callback), and close with a wrap-up code."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from app.agent_api.blueprint import JSON, body, bp, text
from app.extensions import db
from app.services.agents import agent_desk
from app.services.texting import agent_texts


@bp.get("/agent/texts")
@login_required
def texts_list() -> JSON:
    """My conversations (``?state=with_agent`` by default, or ``closed``), newest first."""
    agent = agent_desk.agent_of(current_user.user)
    state = request.args.get("state", "with_agent")
    return jsonify(conversations=agent_texts.my_conversations(db.session, agent, state)), 200


@bp.get("/agent/texts/<int:conversation_id>")
@login_required
def texts_thread(conversation_id: int) -> JSON:
    """One of my conversations: its messages, oldest first, and the texter's 360° view."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(agent_texts.thread(db.session, agent, conversation_id)), 200


@bp.post("/agent/texts/<int:conversation_id>/reply")
@login_required
def texts_reply(conversation_id: int) -> JSON:
    """Text ``{"body"}`` to the texter; 409 if they opted out or the thread is closed."""
    agent = agent_desk.agent_of(current_user.user)
    sent = agent_texts.reply(db.session, agent, conversation_id, text(body(), "body"))
    return jsonify(message=sent), 201


@bp.post("/agent/texts/<int:conversation_id>/close")
@login_required
def texts_close(conversation_id: int) -> JSON:
    """Close my conversation with ``{"wrap_up_code"}``: my text slot is free again."""
    agent = agent_desk.agent_of(current_user.user)
    code = text(body(), "wrap_up_code")
    return jsonify(conversation=agent_texts.close(db.session, agent, conversation_id, code)), 200
