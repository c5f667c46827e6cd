"""Reading the status page: the open incidents, each service's state, past incidents, and
one incident's page. Every page works without JavaScript.

Subscribing and unsubscribing (forms, all POST) are in ``app.status.subscribing``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, render_template, request

from app.extensions import db
from app.services.incidents import status_page
from app.services.incidents.lifecycle import NoSuchIncident
from app.status.limits import init_subscribe_limits

bp = Blueprint("status", __name__, url_prefix="/status", template_folder="templates")

MAX_ID = 2**31 - 1  # an Integer key: PostgreSQL refuses a larger one in a query
# The forms hold a phone number and a token: nothing near this.
MOST_FORM_BYTES = 4 * 1024


def init_status(app: Flask) -> None:
    """The subscribe limits, and the forms' small size limit."""
    init_subscribe_limits(app)
    # First of all: the CSRF check reads the form before any blueprint's own hooks run.
    app.before_request_funcs.setdefault(None, []).insert(0, _bound_form)


def _bound_form() -> None:
    if request.blueprint == bp.name and request.method == "POST":
        request.max_content_length = MOST_FORM_BYTES


@bp.errorhandler(413)
def _too_large(error: Exception) -> Any:
    message = "That was too large to take: the form holds a phone number only."
    return render_template("status/refused.html", message=message), 413


@bp.errorhandler(404)
def _missing(error: Exception) -> Any:
    message = "There is no such incident, or the link is not valid."
    return render_template("status/refused.html", message=message), 404


@bp.get("")
def index() -> Any:
    """What is wrong now, each service's state, and the past 90 days, a page at a time."""
    page = status_page.status_page(db.session, _page())
    return render_template("status/index.html", page=page)


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int) -> Any:
    """One incident and its public updates, newest first."""
    if not 0 < incident_id <= MAX_ID:
        abort(404)
    try:
        found = status_page.incident_page(db.session, incident_id)
    except NoSuchIncident:
        abort(404)
    return render_template("status/incident.html", incident=found)


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


from app.status import subscribing as _subscribing  # noqa: E402, F401  (routes join bp)
