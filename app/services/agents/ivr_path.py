"""The way a caller came through the phone menus, as the agent needs it: each menu, the
key pressed or the words said, and the values they gave (an account number, a ZIP code),
so the agent never asks again.

The IVR records each event as a ``CallStep``. A value collected into a variable whose name
says it is a secret (a PIN, a password, a security answer) is never shown: the agent sees
that it was given, not what it was.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import CallStep
from app.services.calls import ivr
from app.services.customers.profile import iso
from ivr_flows import FlowError
from ivr_flows.model import CollectNode

# Variable names that hold secrets; matched as words of the name ("card_pin", "passcode").
SECRET = re.compile(r"(^|_)(pin|pins|passcode|password|passwd|secret|cvv|cvc|ssn|security)(_|$)")
HIDDEN = "(given, not shown)"
MAX_STEPS = 200  # a caller looping in a menu: the last ones tell the story


def ivr_path(interaction_id: int | None) -> dict[str, Any]:
    """The call's IVR steps in order, and the values collected (secrets hidden)."""
    if interaction_id is None:
        return {"steps": [], "collected": {}}
    rows = db.session.scalars(
        select(CallStep)
        .where(CallStep.interaction_id == interaction_id)
        .order_by(CallStep.id.desc())
        .limit(MAX_STEPS)
    ).all()
    steps = [_step(row) for row in reversed(rows)]
    collected = {s["variable"]: s["value"] for s in steps if s.get("variable")}
    return {"steps": steps, "collected": collected}


def _step(row: CallStep) -> dict[str, Any]:
    """One event as the agent reads it."""
    step: dict[str, Any] = {"at": iso(row.at), "flow": row.flow_id, "node": row.node_id}
    step["event"] = row.event
    if row.event == "digits":
        step["keys"] = row.detail
    elif row.event == "speech":
        # The IVR keeps the words; Twilio's confidence is not recorded with them.
        step["words"] = row.detail
        step["confidence"] = None
    elif row.detail:
        step["detail"] = row.detail
    variable = _collected_into(row.flow_id, row.node_id)
    if variable and row.event in ("digits", "speech"):
        step["variable"] = variable
        step["value"] = HIDDEN if is_secret(variable) else row.detail
        if is_secret(variable):
            step.pop("keys", None)
            step.pop("words", None)
    return step


def is_secret(variable: str) -> bool:
    """Whether a collected variable holds a secret the agent must not see."""
    return bool(SECRET.search(variable.lower()))


def _collected_into(flow_id: str, node_id: str) -> str | None:
    """The variable the node collects into, if it is a collect node of a flow we know."""
    try:
        node = ivr.registry().current().get(flow_id).nodes.get(node_id)
    except FlowError:  # a flow since removed: its steps are still shown
        return None
    return node.variable if isinstance(node, CollectNode) else None
