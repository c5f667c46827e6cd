"""Status updates by text: subscribe (to every incident, or one), unsubscribe a number, or
one subscription by its link. Forms, all POST with CSRF; each answers with a page that
says what happened, or the form again with the reason."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from redis.exceptions import RedisError

from app.extensions import db
from app.login_limits import client_address
from app.services.incidents import subscriptions
from app.services.incidents.lifecycle import IncidentError
from app.status.limits import TooFast, subscribe_limits
from app.status.routes import MAX_ID, bp


@bp.post("/subscribe")
def subscribe() -> Any:
    """Text the number a request to reply YES; the subscription starts with that YES."""
    typed = request.form.get("phone", "")[:64]
    incident_id = _incident_id(request.form.get("incident_id", ""))
    try:
        subscribe_limits().hit("address", client_address())
        phone = subscriptions.phone_number(typed)
        subscribe_limits().hit("number", phone)
        asked = subscriptions.subscribe(db.session, phone, incident_id)
    except TooFast as error:
        return _again(typed, incident_id, str(error), 429, {"Retry-After": str(error.retry_after)})
    except (subscriptions.SubscriptionError, IncidentError) as error:
        db.session.rollback()
        return _again(typed, incident_id, str(error), error.status)
    except RedisError:
        message = "Subscribing is unavailable for a moment. Try again shortly."
        return _again(typed, incident_id, message, 503)
    return render_template("status/subscribed.html", phone=asked.phone, incident_id=incident_id)


@bp.get("/unsubscribe")
def unsubscribe_form() -> Any:
    """The form that stops every status text to a number."""
    return render_template("status/unsubscribe.html", phone="", error=None)


@bp.post("/unsubscribe")
def unsubscribe() -> Any:
    """End the number's subscriptions; the answer is the same whether it had any."""
    typed = request.form.get("phone", "")[:64]
    try:
        phone = subscriptions.phone_number(typed)
    except subscriptions.SubscriptionError as error:
        return render_template("status/unsubscribe.html", phone=typed, error=str(error)), 400
    subscriptions.unsubscribe(db.session, phone)
    return render_template("status/unsubscribed.html", phone=phone)


@bp.get("/unsubscribe/<token>")
def unsubscribe_link(token: str) -> Any:
    """An unsubscribe link: a button to confirm (a link opened by a mail scanner or a
    preview changes nothing)."""
    if subscriptions.by_token(db.session, token) is None:
        abort(404)
    return render_template("status/unsubscribe_link.html", token=token)


@bp.post("/unsubscribe/<token>")
def unsubscribe_by_link(token: str) -> Any:
    """End the subscription the link names."""
    if subscriptions.unsubscribe_token(db.session, token) is None:
        abort(404)
    return render_template("status/unsubscribed.html", phone=None)


def _again(
    typed: str, incident_id: int | None, message: str, status: int, headers: Any = None
) -> Any:
    html = render_template(
        "status/subscribe.html", phone=typed, incident_id=incident_id, error=message
    )
    return html, status, headers or {}


def _incident_id(raw: str) -> int | None:
    """The incident the form is for; None (every incident) when it names none."""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        abort(404)
    return int(raw)
