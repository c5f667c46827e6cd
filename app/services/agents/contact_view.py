"""My current contact as the console shows it: why it came to me, who the customer is, the
way they came through the menus, my draft notes, and the wrap-up I owe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction
from app.services.agents import desk_contact, drafts, wrap_up
from app.services.agents.desk_errors import DeskError
from app.services.agents.ivr_path import ivr_path
from app.services.agents.wrap_up_codes import WRAP_UP_CODES
from app.services.callbacks import callback_view
from app.services.calls import queueing
from app.services.customers.profile import customer_360


def my_contact(agent: AgentRow) -> dict[str, Any]:
    """The contact I accepted and have not wrapped up (None if none), and the codes to do it."""
    record = desk_contact.current(str(agent.id))
    contact = describe(str(agent.id), record) if record is not None else None
    return {
        "contact": contact,
        "wrap_up_owed": contact is not None,
        "wrap_up_codes": list(WRAP_UP_CODES),
    }


def describe(agent_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """One accepted contact with its traces, customer, IVR path and draft notes."""
    contact_id = str(record["contact_id"])
    entry = queueing.store().entry(contact_id)
    interaction = _interaction(contact_id, record)
    customer_id = record.get("customer_id") or (interaction.customer_id if interaction else None)
    accepted_at = record.get("accepted_at")
    return {
        "contact_id": contact_id,
        "kind": record["kind"],
        "queue": record["queue"],
        "since": _iso(accepted_at),
        "state": _state(record, entry, interaction),
        "caller": interaction.from_number if interaction is not None else None,
        "trace": record["trace"],
        "offer_trace": record["offer_trace"],
        "transferred_to": record["transferred"],
        "customer": customer_360(db.session, int(customer_id)) if customer_id else None,
        "ivr": ivr_path(interaction.id if interaction is not None else None),
        "callback": callback_view.describe([entry]).get(contact_id) if entry else None,
        "notes_draft": drafts.draft(agent_id, contact_id),
    }


def save_draft(agent: AgentRow, contact_id: str, notes: str) -> dict[str, Any]:
    """Keep my notes on my current contact as I type: 403 for a contact that is not mine."""
    agent_id = str(agent.id)
    if not contact_id or len(contact_id) > drafts.MAX_CONTACT_ID:
        raise DeskError("contact_id is required, and names a contact", 400)
    record = desk_contact.current(agent_id)
    if record is None or record["contact_id"] != contact_id:
        raise DeskError("this contact is not yours (or is wrapped up already)", 403)
    kept = drafts.save(agent_id, contact_id, notes)
    return {"contact_id": contact_id, "saved": kept}


def _interaction(contact_id: str, record: dict[str, Any]) -> Interaction | None:
    """The contact's record: its call's or task's, else the one its entry named."""
    found = wrap_up.interaction_for_contact(contact_id)
    number = record.get("interaction_id")
    if found is None and isinstance(number, int):
        found = db.session.get(Interaction, number)
    return found


def _state(record: dict[str, Any], entry: Any, interaction: Interaction | None) -> str:
    """Where the contact is for me: connecting, talking, a callback to decide, transferred,
    or ended (the call is over: only the wrap-up is left)."""
    if record["transferred"] is not None:
        return "transferred"
    ended = interaction is not None and interaction.ended_at is not None
    if entry is None or (ended and record["kind"] == "call"):
        return "ended"
    if entry.state.value == "answered":
        return "talking"
    return "deciding" if record["kind"] == "callback" else "connecting"


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(float(seconds), UTC).isoformat(timespec="seconds")
