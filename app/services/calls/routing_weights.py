"""The routing weights in force: a supervisor's saved weights, else the configured file.

Saved weights live in Redis as the YAML the weights file would hold, so every web process
and worker routes by the same ones within a few seconds of a save. Reading them is cached
per process; with Redis down routing goes on with the last weights read (or the file's).
"""

from __future__ import annotations

import logging
import time

from flask import current_app

from app.extensions import redis_store
from routing import Weights, WeightsError, parse_weights

log = logging.getLogger(__name__)

SAVED_WEIGHTS_KEY = "helpline:routing-weights"
# Every call reads the weights; a few seconds' delay after a save costs nobody.
CACHE_SECONDS = 5.0
_CACHE = "routing.saved_weights"


def configured() -> Weights:
    """The weights of ``ROUTING_WEIGHTS`` (or the shipped file), read at start-up."""
    found: Weights = current_app.extensions["routing.weights"]
    return found


def in_force() -> Weights:
    """The saved weights if a supervisor saved some, else the configured ones."""
    cached = current_app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        weights: Weights = cached[1]
        return weights
    weights = _read(cached[1] if cached is not None else configured())
    current_app.extensions[_CACHE] = (now, weights)
    return weights


def saved_text() -> str | None:
    """The saved weights' YAML, or None when the configured ones are in force."""
    text = redis_store.client.get(SAVED_WEIGHTS_KEY)
    return text.decode() if isinstance(text, bytes) else text


def save(text: str) -> Weights:
    """Validate and save weights YAML for every process; WeightsError if not valid."""
    weights = parse_weights(text, source="saved weights")
    redis_store.client.set(SAVED_WEIGHTS_KEY, text)
    current_app.extensions.pop(_CACHE, None)
    return weights


def forget() -> None:
    """Go back to the configured weights."""
    redis_store.client.delete(SAVED_WEIGHTS_KEY)
    current_app.extensions.pop(_CACHE, None)


def _read(last: Weights) -> Weights:
    try:
        text = saved_text()
    except Exception as exc:  # Redis down must not stop routing: keep what we had
        log.warning("saved weights unavailable (%s); keeping the last read", type(exc).__name__)
        return last
    if text is None:
        return configured()
    try:
        return parse_weights(text, source="saved weights")
    except WeightsError:  # only ``save`` writes it, after the same check
        log.exception("saved weights are not valid; using the configured ones")
        return configured()
