"""The IVR's closed switches for supervisors: which exist, which are on; turning one, audited."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.extensions import db
from app.models import User
from app.services.calls.switches import closed_switches, set_switch
from app.services.supervision.audit import record
from app.services.supervision.floor import FloorError


def named_switches() -> frozenset[str]:
    """Every closed switch a flow in service names."""
    found: frozenset[str] = current_app.extensions["ivr.flows"].current().closed_switches()
    return found


def switches() -> list[dict[str, Any]]:
    """Every switch the flows name (and any left on that none names now), with its state."""
    on = closed_switches()
    named = named_switches()
    return [{"name": name, "on": name in on, "named": name in named} for name in sorted(named | on)]


def turn(user: User | None, name: str, on: bool, reason: str) -> dict[str, Any]:
    """Turn a switch on (its lines closed) or off; only switches a flow names go on."""
    if not reason.strip():
        raise FloorError("say why the line closes or opens")
    if on and name not in named_switches():
        raise FloorError(f"no flow in service names the switch {name!r}", 404)
    set_switch(name, on)
    record(user, "switch.on" if on else "switch.off", name, reason.strip())
    db.session.commit()
    return {"name": name, "on": on}
