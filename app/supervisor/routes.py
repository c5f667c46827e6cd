"""The supervisor dashboard page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app.models import Role
from app.web.guard import page_for

bp = Blueprint("supervisor", __name__, template_folder="templates")


@bp.get("/supervisor")
@page_for(Role.SUPERVISOR, Role.ADMIN)
def page() -> Any:
    """The dashboard."""
    return render_template("supervisor/dashboard.html")
