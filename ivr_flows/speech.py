"""Turning prompts of a flow into Say and Gather actions in the call's language."""

from __future__ import annotations

from typing import Literal

from ivr_flows.actions import Gather, Play, Say
from ivr_flows.errors import FlowError
from ivr_flows.languages import LANGUAGES
from ivr_flows.model import (
    CollectNode,
    Flow,
    InputNode,
    KbAnswerNode,
    LanguageNode,
    MenuNode,
    Prompt,
    VoicemailNode,
)

Notice = Literal["no_input", "invalid", "connecting", "unanswered", "leave_message"]


def say(flow: Flow, prompt: Prompt, language: str) -> Say:
    """The prompt's words in ``language``, with its voice (or the flow's voice for it)."""
    text = prompt.text.get(language)
    if text is None:
        raise FlowError(f"flow {flow.id!r} has a prompt without {language!r} text")
    voice = prompt.voice.get(language) or flow.voices.get(language)
    return Say(text=text, language=flow.locale(language), voice=voice)


def notice(flow: Flow, node: InputNode | VoicemailNode | None, kind: Notice, language: str) -> Say:
    """A short notice: the node's own words if it has them, else the built-in ones."""
    custom: Prompt | None = None
    if isinstance(node, VoicemailNode):
        custom = node.no_callback_prompt if kind == "leave_message" else None
    elif node is not None and kind == "no_input":
        custom = node.rules.no_input
    elif node is not None and kind == "invalid":
        custom = node.rules.invalid
    elif isinstance(node, KbAnswerNode) and kind == "unanswered":
        custom = node.unanswered
    if custom is not None:
        return say(flow, custom, language)
    builtin = LANGUAGES[language]
    text = {
        "no_input": builtin.no_input,
        "invalid": builtin.invalid,
        "connecting": builtin.connecting,
        "unanswered": builtin.unanswered,
        "leave_message": builtin.leave_message,
    }[kind]
    voice = flow.voices.get(language)
    return Say(text=text, language=flow.locale(language), voice=voice)


def gather(flow: Flow, node: InputNode, language: str, before: tuple[Say, ...] = ()) -> Gather:
    """Listen for keys and speech at ``node`` after playing ``before`` and its prompt."""
    prompts: tuple[Say | Play, ...]
    if isinstance(node, LanguageNode):
        if node.prompt is None:
            raise FlowError(f"language node {node.id!r} asks without a prompt")
        prompts = tuple(say(flow, node.prompt, code) for code in flow.languages)
    else:
        prompts = (say(flow, node.prompt, language),)
    return Gather(
        prompts=(*before, *prompts),
        input=("dtmf", "speech"),
        language=flow.locale(language),
        timeout=node.rules.timeout,
        num_digits=_num_digits(node),
        finish_on_key=node.finish_on_key if isinstance(node, CollectNode) else "",
        hints=_hints(flow, node, language),
    )


def _num_digits(node: InputNode) -> int | None:
    if isinstance(node, CollectNode):
        low, high = node.validation.min_length, node.validation.max_length
        return high if high is not None and low == high else None
    return 1


def _hints(flow: Flow, node: InputNode, language: str) -> tuple[str, ...]:
    """Words the recognizer should expect: the options' keywords, then the escape words."""
    found: list[str] = []
    if isinstance(node, MenuNode | LanguageNode):
        codes = flow.languages if isinstance(node, LanguageNode) else (language,)
        for option in node.options:
            for code in codes:
                found += option.keywords.get(code, ())
    found += LANGUAGES[language].escape_words
    found += flow.escape_words.get(language, ())
    return tuple(dict.fromkeys(found))
