"""The flow model: frozen dataclasses for a flow and each node type, built by the loader."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ivr_flows.errors import FlowError
from ivr_flows.hours import BusinessHours
from ivr_flows.languages import LANGUAGES

DEFAULT_MAX_PROMPTS = 4
DEFAULT_MAX_TRIES = 2
DEFAULT_TIMEOUT = 5
DEFAULT_VOICEMAIL_SECONDS = 120
MAX_VALUE_LENGTH = 64


@dataclass(frozen=True, kw_only=True)
class Prompt:
    """Words for the caller in every declared language, with an optional voice per language."""

    text: Mapping[str, str]
    voice: Mapping[str, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class InputRules:
    """How an input node listens, and where it sends a caller who wants or needs a human."""

    timeout: int = DEFAULT_TIMEOUT
    max_tries: int = DEFAULT_MAX_TRIES
    no_input: Prompt | None = None
    invalid: Prompt | None = None
    escape: str | None = None
    min_confidence: float = 0.0


@dataclass(frozen=True, kw_only=True)
class MenuOption:
    """One choice: a key, spoken keywords (per language), silence, or any answer that fits
    no other option (``anything_else``), leading to a node."""

    digit: str | None = None
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    next: str | None = None
    language: str | None = None
    silence: bool = False
    anything_else: bool = False
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class Validation:
    """Rules a collected value must meet; ``pattern`` must match the whole value."""

    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True, kw_only=True)
class Condition:
    """Tests that must all hold; an unset field is not tested."""

    business_hours: BusinessHours | None = None
    tier: frozenset[str] | None = None
    caller_language: frozenset[str] | None = None
    language: frozenset[str] | None = None
    region: frozenset[str] | None = None
    has_open_case: bool | None = None
    known_caller: bool | None = None
    incident_affects_caller: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Case:
    """Go to ``then`` when ``condition`` holds."""

    condition: Condition
    then: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class _Node:
    id: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class SayNode(_Node):
    """Speak, then go on to ``next``; without ``next`` the call ends.

    ``incident_notice``: say the current message of the incident that touches the caller
    (``CallContext.incident_notice``) when there is one in the call's language; the
    prompt otherwise."""

    prompt: Prompt
    next: str | None = None
    incident_notice: bool = False


@dataclass(frozen=True, kw_only=True)
class PlayNode(_Node):
    """Play an audio URL (one per language), then go on to ``next``."""

    url: Mapping[str, str]
    next: str | None = None


@dataclass(frozen=True, kw_only=True)
class MenuNode(_Node):
    """Ask the caller to choose by key or by voice."""

    prompt: Prompt
    options: tuple[MenuOption, ...]
    rules: InputRules = field(default_factory=InputRules)


@dataclass(frozen=True, kw_only=True)
class CollectNode(_Node):
    """Ask for a value (keys or speech), validate it and keep it in ``variable``."""

    prompt: Prompt
    variable: str
    next: str
    mode: Literal["digits", "speech"] = "digits"
    validation: Validation = field(default_factory=Validation)
    finish_on_key: str = "#"
    rules: InputRules = field(default_factory=InputRules)


@dataclass(frozen=True, kw_only=True)
class BranchNode(_Node):
    """Go to the first case whose condition holds, else to ``default``."""

    cases: tuple[Case, ...]
    default: str


@dataclass(frozen=True, kw_only=True)
class LanguageNode(_Node):
    """Choose the language for the rest of the call: fixed, from the caller's record, or asked."""

    next: str
    prompt: Prompt | None = None
    options: tuple[MenuOption, ...] = ()
    set: str | None = None
    use_caller_language: bool = False
    rules: InputRules = field(default_factory=InputRules)


@dataclass(frozen=True, kw_only=True)
class QueueNode(_Node):
    """Hand the call to a queue of people (a human node)."""

    queue: str
    skills: tuple[str, ...] = ()
    priority: int = 0
    prompt: Prompt | None = None


@dataclass(frozen=True, kw_only=True)
class TransferNode(_Node):
    """Connect the call to a phone number or a named agent (a human node)."""

    number: str | None = None
    agent: str | None = None
    prompt: Prompt | None = None


@dataclass(frozen=True, kw_only=True)
class VoicemailNode(_Node):
    """Record a message that becomes a task a person must close (a human node)."""

    prompt: Prompt
    max_length: int = DEFAULT_VOICEMAIL_SECONDS
    queue: str = "general"
    no_callback_prompt: Prompt | None = None  # said instead to a caller we cannot call back


@dataclass(frozen=True, kw_only=True)
class CallbackNode(_Node):
    """Promise a call back and create the task for it (a human node); may go on to ``next``."""

    prompt: Prompt
    queue: str = "general"
    number_variable: str | None = None
    next: str | None = None


@dataclass(frozen=True, kw_only=True)
class SubscribeUpdatesNode(_Node):
    """Sign the calling number up for text updates of the incident that touches the caller,
    then go on to ``next``. ``prompt`` is said only once the subscription exists; a caller
    who cannot be signed up (a withheld number, one that opted out, no incident) hears why
    instead. Not a human node: the call goes on."""

    prompt: Prompt
    next: str


@dataclass(frozen=True, kw_only=True)
class KbAnswerNode(_Node):
    """Ask the caller's question for the knowledge base, then go on to ``next``."""

    prompt: Prompt
    next: str
    unanswered: Prompt | None = None
    rules: InputRules = field(default_factory=InputRules)


@dataclass(frozen=True, kw_only=True)
class HangupNode(_Node):
    """End the call, allowed only once a human was offered."""

    prompt: Prompt | None = None


Node = (
    SayNode
    | PlayNode
    | MenuNode
    | CollectNode
    | BranchNode
    | LanguageNode
    | QueueNode
    | TransferNode
    | VoicemailNode
    | CallbackNode
    | SubscribeUpdatesNode
    | KbAnswerNode
    | HangupNode
)
HumanNode = QueueNode | TransferNode | VoicemailNode | CallbackNode
InputNode = MenuNode | CollectNode | LanguageNode | KbAnswerNode
HUMAN_NODES = (QueueNode, TransferNode, VoicemailNode, CallbackNode)
INPUT_NODES = (MenuNode, CollectNode, LanguageNode, KbAnswerNode)


@dataclass(frozen=True, kw_only=True)
class Flow:
    """One flow file: the numbers it answers, its languages and its nodes."""

    id: str
    languages: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    description: str = ""
    numbers: tuple[str, ...] = ()
    default: bool = False
    max_prompts_to_human: int = DEFAULT_MAX_PROMPTS
    escape: str | None = None
    escape_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    voices: Mapping[str, str] = field(default_factory=dict)
    locales: Mapping[str, str] = field(default_factory=dict)
    source: str = field(default="<flow>", compare=False)
    line: int = field(default=1, compare=False)
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    number_lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def default_language(self) -> str:
        """The first declared language, used until the call chooses another."""
        return self.languages[0]

    def key_line(self, key: str) -> int:
        """The line of a top-level key in the flow file; the flow's first line if it is unset."""
        return self.key_lines.get(key, self.line)

    def node(self, node_id: str) -> Node:
        """The node called ``node_id``; a FlowError if there is none."""
        try:
            return self.nodes[node_id]
        except KeyError:
            raise FlowError(f"flow {self.id!r} has no node {node_id!r}") from None

    def locale(self, language: str) -> str:
        """The speech locale (``en-US``) for a declared language code."""
        return self.locales.get(language) or LANGUAGES[language].locale
