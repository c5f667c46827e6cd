"""The IVR's callback nodes: each Callback a flow hands over becomes a task, if the callback
policy allows the number; a number it refuses is promised nothing. Nor does a voicemail
node promise a refused caller a call: they hear its ``no_callback_prompt`` instead.

The number is the one that called, or one the caller typed (``number_variable``): keypad
digits have no "+", so they are read as a national number of ``DEFAULT_REGION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.extensions import db
from app.models import Interaction
from app.services.callbacks import callback_policy
from app.services.callbacks.callback_policy import Refusal
from app.services.callbacks.callback_promises import Request, promise_callback
from ivr_flows import Callback, HumanFallback, Play, Say, Step, Voicemail


@dataclass(frozen=True)
class Refused:
    """A callback the policy refused, and what the caller hears before being told so."""

    refusal: Refusal
    language: str
    queue: str
    before: tuple[Say | Play, ...]


def place_callbacks(
    step: Step, interaction: Interaction, params: Mapping[str, str]
) -> tuple[Step, Refused | None]:
    """Turn each Callback into a task (or refresh the number's open one).

    At a refused number the step ends at a person instead (so the record says where the
    call went), and the refusal is returned for the caller to hear why.
    """
    actions: list[Any] = []
    for action in step.actions:
        if isinstance(action, Callback):
            request = Request.of_call(params, action.queue, action.language, interaction)
            if action.number:  # typed on the keypad
                request = replace(request, number=action.number)
            promise = promise_callback(db.session, request)
            if promise.refusal is not None:
                before = tuple(said for said in actions if isinstance(said, Say | Play))
                refused = Refused(promise.refusal, action.language, action.queue, before)
                reason = f"callback refused: {promise.refusal}"
                actions.append(HumanFallback(reason, action.language, fault=False))
                return replace(step, actions=tuple(actions)), refused
        actions.append(action)
    return replace(step, actions=tuple(actions)), None


def promise_no_call_in_vain(step: Step, params: Mapping[str, str]) -> Step:
    """A voicemail's prompt may promise a call back: a caller the policy refuses (by their
    number, whatever the limits) hears the node's prompt that promises nothing instead."""
    if not any(isinstance(action, Voicemail) for action in step.actions):
        return step
    policy = callback_policy.current_policy(callback_policy.dialled(params))
    if callback_policy.can_call_back(params.get("From", ""), policy):
        return step
    actions = tuple(
        replace(action, prompt=action.no_callback or action.prompt)
        if isinstance(action, Voicemail)
        else action
        for action in step.actions
    )
    return replace(step, actions=actions)
