"""The agent console page; everything live on it comes from the agent API (``/api``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from app.models import Role
from app.web.guard import page_for

bp = Blueprint("console", __name__, template_folder="templates")


@bp.get("/console")
@page_for(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
def page() -> Any:
    """The console; staff without an agent profile are told so instead of a broken desk."""
    return render_template(
        "console/console.html",
        is_agent=current_user.user.agent is not None,
        offer_timeout=int(current_app.config["OFFER_TIMEOUT"]),
    )
