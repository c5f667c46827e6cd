"""``/api/supervisor/...``: the dashboard's figures as JSON, and its audited changes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from app.auth import role_required
from app.models import Role
from app.services.supervision import (
    closed_lines,
    dashboard,
    floor,
    open_tasks,
    staffing_form,
    weights_edit,
)
from app.services.supervision import what_if as weights_what_if
from app.services.supervision.floor import FloorError
from app.services.supervision.weights_edit import WeightsInputError

api = Blueprint("supervisor_api", __name__, url_prefix="/api/supervisor")
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)


@api.errorhandler(FloorError)
def _refused(error: FloorError) -> tuple[Any, int]:
    return jsonify(error=str(error)), error.status


@api.errorhandler(WeightsInputError)
def _bad_weights(error: WeightsInputError) -> tuple[Any, int]:
    return jsonify(error=str(error), problems=error.problems), 400


@api.get("/<any(queues, today, agents, switches, tasks, weights, audit, deflection):name>")
@role_required(*SUPERVISORS)
def part(name: str) -> Any:
    """One part of the dashboard."""
    return jsonify(dashboard.part(name, request.args.get("page", 1, type=int)))


@api.post("/agents/<int:agent_id>/state")
@role_required(*SUPERVISORS)
def force_state(agent_id: int) -> Any:
    """Put an agent available, away or offline: ``{"state", "reason"}``."""
    body = _body()
    return jsonify(floor.force_state(_me(), agent_id, _text(body, "state"), _text(body, "reason")))


@api.post("/switches/<name>")
@role_required(*SUPERVISORS)
def turn_switch(name: str) -> Any:
    """Turn a closed switch on or off: ``{"on": true|false, "reason"}``."""
    body = _body()
    if not isinstance(body.get("on"), bool):
        raise FloorError('"on" must be true or false')
    return jsonify(closed_lines.turn(_me(), name, body["on"], _text(body, "reason")))


@api.post("/tasks/<int:task_id>/reassign")
@role_required(*SUPERVISORS)
def reassign_task(task_id: int) -> Any:
    """Move a task to a queue (``{"queue"}``) or offer it to an agent (``{"agent_id"}``)."""
    body = _body()
    queue = body.get("queue") or None
    agent_id = body.get("agent_id")
    if (queue is not None and not isinstance(queue, str)) or (
        agent_id is not None and (not isinstance(agent_id, int) or isinstance(agent_id, bool))
    ):
        raise FloorError('"queue" must be a name, "agent_id" a number')
    return jsonify(open_tasks.reassign(_me(), task_id, queue, agent_id))


@api.post("/tasks/<int:task_id>/close")
@role_required(*SUPERVISORS)
def close_task(task_id: int) -> Any:
    """Close a task with a note: ``{"note"}``."""
    return jsonify(open_tasks.close(_me(), task_id, _text(_body(), "note")))


@api.post("/weights/what-if")
@role_required(*SUPERVISORS)
def what_if() -> Any:
    """Simulate the same callers with the weights in force and ``{"fields"}``."""
    body = _body()
    return jsonify(weights_what_if.what_if(_mapping(body, "fields"), _mapping(body, "load")))


@api.post("/weights")
@role_required(*SUPERVISORS)
def save_weights() -> Any:
    """Put new weights in force: ``{"fields", "reason"}``."""
    body = _body()
    return jsonify(weights_edit.save(_me(), _mapping(body, "fields"), _text(body, "reason")))


@api.get("/staffing")
@role_required(*SUPERVISORS)
def staffing() -> Any:
    """Erlang C for ``calls_per_hour``, ``aht``, ``target``, ``within`` [, ``agents``]."""
    return jsonify(staffing_form.calculate(request.args))


def _me() -> Any:
    return current_user.user


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FloorError("send a JSON object")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise FloorError(f'"{name}" must be text')
    return value[:2000]


def _mapping(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name, {})
    if not isinstance(value, dict):
        raise FloorError(f'"{name}" must be an object')
    return value
