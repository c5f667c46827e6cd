"""``/api/customers``: the customer 360 and the search behind it, for any staff role."""

from __future__ import annotations

from flask import jsonify, request

from app.agent_api.blueprint import JSON, bp
from app.auth import role_required
from app.extensions import db
from app.models import Role
from app.services.customers import search
from app.services.customers.profile import customer_360

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


@bp.get("/customers/<int:customer_id>")
@role_required(*STAFF)
def customer(customer_id: int) -> JSON:
    """One customer's profile, accounts, open cases, last contacts and consent."""
    found = customer_360(db.session, customer_id)
    if found is None:
        return jsonify(error="no such customer"), 404
    return jsonify(customer=found), 200


@bp.get("/customers")
@role_required(*STAFF)
def find() -> JSON:
    """``?q=`` a phone (any format), an account number or part of a name; ``limit``, ``offset``."""
    args = request.args
    try:
        wanted = search.read_search(args.get("q"), args.get("limit"), args.get("offset"))
    except search.BadSearch as error:
        return jsonify(error=str(error)), 400
    return jsonify(search.find_customers(db.session, wanted)), 200
