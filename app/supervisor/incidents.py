"""The supervisor's incident pages: open an incident, post updates and notes, resolve.

Plain forms (they work without JavaScript); a refused change shows the page again with the
reason and what was typed. Every change is audited (``lifecycle``) and callers hear the
new update within a second of it (``front_door`` is told here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.models import IncidentState, Role, ScopeKind, Severity
from app.services.broadcasts import broadcasts, sending_run
from app.services.incidents import front_door
from app.services.incidents.lifecycle import (
    IncidentError,
    Scope,
    get,
    listed,
    open_incident,
    post_update,
    resolve,
)
from app.services.scripts import scripts
from app.supervisor.routes import bp
from app.web.guard import page_for

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
MOVING_STATES = [s.value for s in IncidentState if s is not IncidentState.RESOLVED]


@bp.get("/supervisor/incidents")
@page_for(*SUPERVISORS)
def incidents() -> Any:
    """Open incidents, then the latest resolved ones; the form to open one."""
    return _list_page({}, "")


@bp.post("/supervisor/incidents")
@page_for(*SUPERVISORS)
def open_one() -> Any:
    """Open an incident from the form; its page next."""
    form = request.form
    try:
        scope = Scope.of(_names(form, "regions"), _names(form, "services"), _names(form, "areas"))
        incident = open_incident(
            db.session,
            form.get("title", ""),
            scope,
            form.get("severity", Severity.MAJOR.value),
            form.get("message", ""),
            by=current_user.user,
        )
    except IncidentError as error:
        db.session.rollback()
        return _list_page(form, str(error)), error.status
    front_door.forget()
    return redirect(url_for("supervisor.incident", incident_id=incident.id), 303)


@bp.get("/supervisor/incidents/<int:incident_id>")
@page_for(*SUPERVISORS)
def incident(incident_id: int) -> Any:
    """An incident: its scope, its whole timeline (notes too), the update and resolve forms."""
    return _incident_page(incident_id, {}, "")


@bp.post("/supervisor/incidents/<int:incident_id>/updates")
@page_for(*SUPERVISORS)
def add_update(incident_id: int) -> Any:
    """Post a public update (perhaps moving the state) or an internal note."""
    form = request.form
    internal = form.get("kind") == "note"
    return _change(
        incident_id,
        lambda: post_update(
            db.session,
            incident_id,
            form.get("body", ""),
            state=None if internal else (form.get("state") or None),
            public=not internal,
            translations={"es": form.get("body_es", "")},
            by=current_user.user,
        ),
    )


@bp.post("/supervisor/incidents/<int:incident_id>/resolve")
@page_for(*SUPERVISORS)
def resolve_one(incident_id: int) -> Any:
    """Resolve the incident with its last public update."""
    form = request.form
    return _change(
        incident_id,
        lambda: resolve(
            db.session,
            incident_id,
            form.get("body", ""),
            {"es": form.get("body_es", "")},
            by=current_user.user,
        ),
    )


def _change(incident_id: int, change: Callable[[], object]) -> Any:
    """Make ``change`` to the incident; back to its page, or the page with the error. What
    callers hear changes at once (``front_door.forget``)."""
    try:
        change()
    except IncidentError as error:
        db.session.rollback()
        return _incident_page(incident_id, request.form, str(error)), error.status
    front_door.forget()
    return redirect(url_for("supervisor.incident", incident_id=incident_id), 303)


@bp.post("/supervisor/incidents/<int:incident_id>/broadcasts")
@page_for(*SUPERVISORS)
def plan_broadcast(incident_id: int) -> Any:
    """Plan a broadcast of a library script or the supervisor's text (nothing sent yet):
    written ``planning`` here, its audience by a job; the page follows it."""
    form = request.form
    try:
        broadcasts.create(
            db.session,
            incident_id,
            form.get("text", "") if form.get("message") == "text" else "",
            form.get("channel", "sms"),
            tier_waves=form.get("tier_waves") == "on",
            all_clear=form.get("all_clear") == "on",
            by=current_user.user,
            script=form.get("script", "") if form.get("message") != "text" else "",
            eta=form.get("eta", ""),
            hold_while_wait=_hold_seconds(form.get("hold_minutes", "")),
            in_background=True,
        )
    except IncidentError as error:
        db.session.rollback()
        return _incident_page(incident_id, form, str(error)), error.status
    return redirect(url_for("supervisor.incident", incident_id=incident_id) + "#broadcasts", 303)


@bp.post("/supervisor/broadcasts/<int:broadcast_id>/<any(start, pause, resume, cancel):move>")
@page_for(*SUPERVISORS)
def move_broadcast(broadcast_id: int, move: str) -> Any:
    """Start, pause, resume or cancel a broadcast (the workers see it within a second)."""
    try:
        found = broadcasts.find(db.session, broadcast_id)
        sending_run.control(db.session, broadcast_id, move, by=current_user.user)
    except IncidentError as error:
        db.session.rollback()
        if isinstance(error, broadcasts.NoSuchBroadcast):
            return render_template("supervisor/incident_missing.html", error=str(error)), 404
        return _incident_page(found.incident_id, {}, str(error)), error.status
    return redirect(
        url_for("supervisor.incident", incident_id=found.incident_id) + "#broadcasts", 303
    )


def _hold_seconds(minutes: str) -> int | None:
    """The form's "hold while the wait is above" minutes, in seconds (blank: no hold)."""
    minutes = minutes.strip()
    if not minutes:
        return None
    try:
        return round(float(minutes) * 60)
    except (ValueError, OverflowError):
        raise IncidentError(
            f"Hold while the wait is above a number of minutes, not {minutes!r}."
        ) from None


def _list_page(form: Any, error: str) -> str:
    found = listed(db.session, limit=50)
    return render_template(
        "supervisor/incidents.html",
        open_incidents=[i for i in found if i.state is not IncidentState.RESOLVED],
        resolved=[i for i in found if i.state is IncidentState.RESOLVED],
        severities=[s.value for s in Severity],
        form=form,
        error=error,
    )


def _incident_page(incident_id: int, form: Any, error: str) -> Any:
    try:
        found = get(db.session, incident_id)
    except IncidentError as missing:
        return render_template("supervisor/incident_missing.html", error=str(missing)), 404
    named = {kind: [s.value for s in found.scopes if s.kind is kind] for kind in ScopeKind}
    words = {ScopeKind.REGION: "regions", ScopeKind.SERVICE: "services"}
    touches = "; ".join(
        f"{words.get(kind, 'service areas')} {', '.join(values)}"
        for kind, values in named.items()
        if values
    )
    sent = [
        {**broadcasts.status(db.session, b.id), "report": b.report or {}}
        for b in broadcasts.of_incident(db.session, found.id)
    ]
    return render_template(
        "supervisor/incident.html",
        incident=found,
        touches=touches or "everyone",
        broadcasts=sent,
        scripts=sorted(
            (s.name for s in scripts.library()),
            key=lambda n: broadcasts.PLAN_ORDER.index(n) if n in broadcasts.PLAN_ORDER else 99,
        ),
        # While a broadcast plans or sends, the page refreshes itself.
        moving=any(b["state"] in ("planning", "sending") for b in sent),
        timeline=sorted(found.updates, key=lambda u: -u.id),
        states=MOVING_STATES,
        form=form,
        error=error,
    )


def _names(form: Any, name: str) -> list[str]:
    return [part for part in (p.strip() for p in form.get(name, "").split(",")) if part]
