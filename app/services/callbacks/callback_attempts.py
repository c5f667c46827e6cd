"""The calls made to a callback's customer that nobody answered: counted, and told to agents.

Each unanswered call is kept once by its CallSid (Twilio may report it more than once),
with its final status and when it ended, for a week. After ``CALLBACK_ATTEMPTS`` such calls
the callback leaves the line and a person takes it over (``app.services.calls.connecting``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app.extensions import redis_store

CALLBACK_ATTEMPTS = 3  # calls a customer does not pick up before a person takes it over
ATTEMPTS_KEY = "helpline:callback-attempts:%s"  # CallSid -> final status, per callback
ATTEMPTS_SECONDS = 7 * 24 * 3600


def count_attempt(contact_id: str, call_sid: str, status: str, at: float, agent_id: str) -> int:
    """Count an unanswered call once, however often Twilio reports it; the calls so far."""
    key = ATTEMPTS_KEY % contact_id
    value = json.dumps({"status": status, "at": at, "agent_id": agent_id})
    pipe = redis_store.client.pipeline()
    pipe.hsetnx(key, call_sid or "unknown", value)
    pipe.expire(key, ATTEMPTS_SECONDS)
    pipe.hlen(key)
    return int(pipe.execute()[-1])


def calls_made(contact_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The unanswered calls of each contact, oldest first: CallSid, status, when, by whom."""
    with redis_store.client.pipeline(transaction=False) as pipe:
        for contact_id in contact_ids:
            pipe.hgetall(ATTEMPTS_KEY % contact_id)
        found = pipe.execute()
    return {
        contact_id: sorted(
            (_attempt(sid, value) for sid, value in raw.items()),
            key=lambda attempt: attempt["at"] or 0.0,
        )
        for contact_id, raw in zip(contact_ids, found, strict=True)
    }


def given_up(contact_ids: Sequence[str]) -> set[str]:
    """Those of ``contact_ids`` whose customer was called ``CALLBACK_ATTEMPTS`` times
    without an answer: not put in line again; the task's note asks a person to call."""
    with redis_store.client.pipeline(transaction=False) as pipe:
        for contact_id in contact_ids:
            pipe.hlen(ATTEMPTS_KEY % contact_id)
        counts = pipe.execute()
    return {
        contact_id
        for contact_id, made in zip(contact_ids, counts, strict=True)
        if int(made) >= CALLBACK_ATTEMPTS
    }


def not_reached(status: str) -> str:
    """Why a call to the customer counts as not reached, in words."""
    if status == "completed":  # they picked up, then hung up before an agent answered
        return "the customer hung up before an agent answered"
    return f"the customer did not pick up ({status})"


def _attempt(call_sid: bytes | str, value: bytes | str) -> dict[str, Any]:
    """One stored attempt; a bare status (as counted before times were kept) has no time."""
    text = value.decode() if isinstance(value, bytes) else value
    try:
        fields = json.loads(text)
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        fields = {"status": text}
    status = str(fields.get("status", ""))
    at = fields.get("at")
    return {
        "call_sid": call_sid.decode() if isinstance(call_sid, bytes) else call_sid,
        "status": status,
        "outcome": not_reached(status),
        "at": float(at) if isinstance(at, int | float) else None,
        "agent_id": fields.get("agent_id") or None,
    }
