"""What an answer at an input node leads to: shared by the engine and the verifier.

The engine classifies a real reply into one ``Event`` and follows the transition; the
verifier follows the transition of every ``possible_events`` of a node. Both call
``after_input``, so the escalation rules (escapes, retries, giving up to a human) that the
verifier proves are the ones the engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ivr_flows.errors import FlowError
from ivr_flows.model import (
    CollectNode,
    Flow,
    InputNode,
    KbAnswerNode,
    LanguageNode,
    MenuNode,
    MenuOption,
)


@dataclass(frozen=True)
class Chose:
    """The caller picked an option (by key, keyword or, where allowed, silence)."""

    option: MenuOption


@dataclass(frozen=True)
class Escaped:
    """The caller pressed 0 or asked for a person (in ``language``, if by a word of one)."""

    language: str | None = None


@dataclass(frozen=True)
class Silent:
    """The caller gave no answer before the timeout."""


@dataclass(frozen=True)
class Invalid:
    """The caller answered something the node cannot use."""


@dataclass(frozen=True)
class Accepted:
    """A collected value that passed validation, or a question for the knowledge base."""

    value: str


Event = Chose | Escaped | Silent | Invalid | Accepted
Reason = Literal["chosen", "escape", "exhausted", "accepted", "asked"]


@dataclass(frozen=True)
class Goto:
    """Leave the node for ``node`` (None: the human fallback line)."""

    node: str | None
    reason: Reason
    language: str | None = None
    store: tuple[str, str] | None = None


@dataclass(frozen=True)
class Retry:
    """Ask again at the same node, after a notice of why."""

    notice: Literal["no_input", "invalid"]


Transition = Goto | Retry


def escape_target(flow: Flow, node: InputNode) -> str | None:
    """Where 0, "agent" and giving up lead from ``node``: its own escape, the flow's, or None."""
    return node.rules.escape or flow.escape


def silence_option(node: InputNode) -> MenuOption | None:
    """The option chosen by saying nothing, if the node has one."""
    if isinstance(node, MenuNode | LanguageNode):
        return next((option for option in node.options if option.silence), None)
    return None


def anything_else_option(node: InputNode) -> MenuOption | None:
    """The option chosen by an answer that fits no other option, if the node has one."""
    if isinstance(node, MenuNode):
        return next((option for option in node.options if option.anything_else), None)
    return None


def after_input(flow: Flow, node: InputNode, heard: int, event: Event) -> Transition:
    """Where ``event`` leads at ``node``, the caller having heard its prompt ``heard`` times."""
    chosen = silence_option(node) if isinstance(event, Silent) else None
    if isinstance(event, Invalid):
        chosen = anything_else_option(node)
    if chosen is not None:
        event = Chose(chosen)
    if isinstance(event, Escaped):
        # Asked for a person at the language question: in their words' language, then.
        language = event.language if isinstance(node, LanguageNode) else None
        return Goto(escape_target(flow, node), "escape", language=language)
    if isinstance(node, KbAnswerNode):
        return Goto(node.next, "asked")
    if isinstance(event, Chose):
        return Goto(_option_target(node, event.option), "chosen", language=event.option.language)
    if isinstance(event, Accepted):
        if not isinstance(node, CollectNode):
            raise FlowError(f"node {node.id!r} cannot accept a value")
        return Goto(node.next, "accepted", store=(node.variable, event.value))
    if heard < node.rules.max_tries:
        return Retry("no_input" if isinstance(event, Silent) else "invalid")
    return Goto(escape_target(flow, node), "exhausted")


def possible_events(node: InputNode) -> tuple[Event, ...]:
    """Every kind of answer a caller can give at ``node``, for the verifier."""
    if isinstance(node, MenuNode | LanguageNode):
        return (*(Chose(option) for option in node.options), Escaped(), Silent(), Invalid())
    return (Accepted(""), Escaped(), Silent(), Invalid())


def _option_target(node: InputNode, option: MenuOption) -> str:
    target = option.next or (node.next if isinstance(node, LanguageNode) else None)
    if target is None:
        raise FlowError(f"an option of node {node.id!r} leads nowhere")
    return target
