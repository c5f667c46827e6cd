"""The supervisor dashboard page: every figure rendered on the server, then kept live by
``static/js/supervisor.js``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from app.models import Role
from app.services.supervision import dashboard, staffing_form
from app.services.supervision.floor import FloorError
from app.supervisor.api import api
from app.supervisor.charts import bars
from app.web.guard import page_for

bp = Blueprint("supervisor", __name__, template_folder="templates")
# The JSON endpoints are registered with the page, so the app factory needs one blueprint.
bp.register_blueprint(api)


@bp.get("/supervisor")
@page_for(Role.SUPERVISOR, Role.ADMIN)
def page() -> Any:
    """The dashboard; with the staffing form's fields, its result too."""
    figures = dashboard.everything(request.args.get("page", 1, type=int))
    staffing, problem = _staffing(request.args)
    rows = figures["today"]["intervals"]
    charts = {
        "offered": bars(rows, "offered"),
        "abandoned": bars(rows, "abandoned"),
        "service_level": bars(rows, "service_level", top=1.0),
    }
    return render_template(
        "supervisor/dashboard.html",
        charts=charts,
        staffing=staffing,
        staffing_problem=problem,
        form=request.args,
        **figures,
    )


def _staffing(args: Any) -> tuple[dict[str, Any] | None, str]:
    if not args.get("calls_per_hour"):
        return None, ""
    try:
        return staffing_form.calculate(args), ""
    except FloorError as exc:
        return None, str(exc)


from app.supervisor import incidents as _incidents  # noqa: E402, F401  (its routes join bp)
