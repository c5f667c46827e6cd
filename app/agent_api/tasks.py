"""``/api/agent/tasks``: open voicemails and callbacks, mine and my queues'; claim, take to
call back, close with a note."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from app.agent_api.blueprint import JSON, body, bp, text
from app.services.agents import agent_desk
from app.services.callbacks import task_desk


@bp.get("/agent/tasks")
@login_required
def tasks() -> JSON:
    """``{"mine": [...], "queues": [...]}``: open tasks I claimed, and my queues' others."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(task_desk.tasks_for(agent)), 200


@bp.post("/agent/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> JSON:
    """Make the task mine: nobody else is offered it."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(task=task_desk.claim(agent, task_id)), 200


@bp.post("/agent/tasks/<int:task_id>/take")
@login_required
def take(task_id: int) -> JSON:
    """My claimed task as my contact, to judge the number and call back (``/agent/call-back``)."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(task_desk.take(agent, task_id)), 200


@bp.post("/agent/tasks/<int:task_id>/close")
@login_required
def close(task_id: int) -> JSON:
    """Close the task with ``{"note"}`` (optional)."""
    agent = agent_desk.agent_of(current_user.user)
    return jsonify(task=task_desk.close(agent, task_id, text(body(), "note"))), 200
