"""IVR navigation state carried in Twilio action URLs, signed so callers cannot forge it.

Keeping the state in the URL means a menu keeps working with Redis down and any web process
can answer the next step.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


class TamperedState(ValueError):
    """The state in an action URL was not signed by us (edited, truncated or forged)."""


def _serializer() -> URLSafeSerializer:
    serializer: URLSafeSerializer | None = current_app.extensions.get("ivr.state_serializer")
    if serializer is None:
        serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="ivr-state")
        current_app.extensions["ivr.state_serializer"] = serializer
    return serializer


def encode_state(state: dict[str, Any]) -> str:
    """A compact, signed, URL-safe token for ``state``."""
    return str(_serializer().dumps(state))


def decode_state(token: str) -> dict[str, Any]:
    """The state in ``token``; raises :class:`TamperedState` when the signature fails."""
    try:
        state = _serializer().loads(token)
    except BadSignature as exc:
        raise TamperedState("navigation state failed its signature check") from exc
    if not isinstance(state, dict):
        raise TamperedState("navigation state is not an object")
    return state
