"""The agent console page, and the one read it refreshes on every live event.

Everything the console changes goes through the agent API (``/api/agent/...``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user

from app.auth import role_required
from app.models import Role
from app.services.agents import agent_desk
from app.services.agents.desk_errors import DeskError
from app.services.agents.desk_state import desk_state, transfer_targets
from app.services.agents.wrap_up_codes import WRAP_UP_CODES
from app.web.guard import page_for

bp = Blueprint("console", __name__, template_folder="templates")

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


@bp.errorhandler(DeskError)
def _desk_error(error: DeskError) -> tuple[Any, int]:
    return jsonify(error=str(error)), error.status


@bp.get("/console")
@page_for(*STAFF)
def page() -> Any:
    """The console; staff without an agent profile are told so instead of a broken desk."""
    agent = current_user.user.agent
    targets = transfer_targets(agent) if agent is not None else {"queues": [], "agents": []}
    return render_template(
        "console/console.html",
        is_agent=agent is not None,
        offer_timeout=int(current_app.config["OFFER_TIMEOUT"]),
        wrap_up_codes=WRAP_UP_CODES,
        transfer_queues=targets["queues"],
        transfer_agents=targets["agents"],
    )


@bp.get("/api/console/desk")
@role_required(*STAFF)
def desk() -> Any:
    """My presence and time in it, my queues with their callers, my offer."""
    return jsonify(desk_state(agent_desk.agent_of(current_user.user)))


from app.console import pages as _pages  # noqa: E402, F401  (its routes join this blueprint)
