"""Reading a caller's reply (keys, speech, silence) as one event at an input node.

Any reply, however odd (letters in ``Digits``, ten thousand characters of speech), becomes
an event; nothing here raises on caller input.
"""

from __future__ import annotations

import re

from ivr_flows.context import CallerReply
from ivr_flows.languages import LANGUAGES, find_phrase, words
from ivr_flows.model import (
    MAX_VALUE_LENGTH,
    CollectNode,
    Flow,
    InputNode,
    KbAnswerNode,
    LanguageNode,
    MenuNode,
    MenuOption,
    Validation,
)
from ivr_flows.semantics import Accepted, Chose, Escaped, Event, Invalid, Silent

MAX_SPEECH = 1000
MAX_QUESTION = 500
MAX_DIGITS = 64
_SHORT_UTTERANCE = 3
_KEYS = re.compile(r"[0-9]+")


def classify(flow: Flow, node: InputNode, reply: CallerReply) -> Event:
    """The event ``reply`` means at ``node``; keys win over speech when both arrive."""
    digits = reply.digits.strip()[:MAX_DIGITS].rstrip("#")
    speech = reply.speech[:MAX_SPEECH]
    if digits:
        return _from_digits(node, digits)
    if not speech.strip():
        return Silent()
    if reply.confidence is not None and reply.confidence < node.rules.min_confidence:
        return Invalid()
    return _from_speech(flow, node, speech)


def _from_digits(node: InputNode, digits: str) -> Event:
    if digits == "0":
        return Escaped()
    if isinstance(node, MenuNode | LanguageNode):
        option = next((option for option in node.options if option.digit == digits), None)
        return Invalid() if option is None else Chose(option)
    if isinstance(node, CollectNode) and node.mode == "digits" and _KEYS.fullmatch(digits):
        return _validated(node, digits)
    return Invalid()


def _from_speech(flow: Flow, node: InputNode, speech: str) -> Event:
    heard = words(speech)
    escaped = _escape_language(flow, heard)
    if escaped is not None:
        return Escaped(escaped)
    if isinstance(node, KbAnswerNode):
        return Accepted(" ".join(speech.split())[:MAX_QUESTION])
    if isinstance(node, CollectNode):
        if node.mode == "speech":
            return _validated(node, " ".join(speech.split()))
        spoken = _spoken_digits(flow, heard)
        return Escaped() if spoken == "0" else _validated(node, spoken)
    option = _by_keyword(node, heard) or _by_spoken_digit(flow, node, heard)
    return Invalid() if option is None else option


def _escape_language(flow: Flow, heard: tuple[str, ...]) -> str | None:
    """The declared language whose words for a person the caller used, if any."""
    for language in flow.languages:
        escape_words = (*LANGUAGES[language].escape_words, *flow.escape_words.get(language, ()))
        if any(find_phrase(heard, words(word)) >= 0 for word in escape_words):
            return language
    return None


def _by_keyword(node: MenuNode | LanguageNode, heard: tuple[str, ...]) -> Event | None:
    """The option whose keyword comes first in what the caller said."""
    best: tuple[int, MenuOption] | None = None
    for option in node.options:
        for keyword in (text for texts in option.keywords.values() for text in texts):
            at = find_phrase(heard, words(keyword))
            if at >= 0 and (best is None or at < best[0]):
                best = (at, option)
    return None if best is None else Chose(best[1])


def _by_spoken_digit(
    flow: Flow, node: MenuNode | LanguageNode, heard: tuple[str, ...]
) -> Event | None:
    """ "Two" or "press 2": a short utterance naming one key."""
    if len(heard) > _SHORT_UTTERANCE:
        return None
    keys = {key for key in (_digit_of(flow, word) for word in heard) if key is not None}
    if len(keys) != 1:
        return None
    key = keys.pop()
    if key == "0":
        return Escaped()
    option = next((option for option in node.options if option.digit == key), None)
    return None if option is None else Chose(option)


def _spoken_digits(flow: Flow, heard: tuple[str, ...]) -> str:
    """The keys in "one two 3 4": digit words and numerals, other words dropped."""
    found: list[str] = []
    for word in heard:
        if _KEYS.fullmatch(word):
            found.append(word)
        else:
            digit = _digit_of(flow, word)
            if digit is not None:
                found.append(digit)
    return "".join(found)[: MAX_VALUE_LENGTH + 1]


def _digit_of(flow: Flow, word: str) -> str | None:
    if len(word) == 1 and _KEYS.fullmatch(word):
        return word
    for code in flow.languages:
        spoken = [words(name) for name in LANGUAGES[code].digit_words]
        if (word,) in spoken:
            return str(spoken.index((word,)))
    return None


def _validated(node: CollectNode, value: str) -> Event:
    return Accepted(value) if is_valid(node.validation, value) else Invalid()


def is_valid(check: Validation, value: str) -> bool:
    """Whether a collected value meets the node's rules (and the 64-character limit)."""
    if not value or len(value) > MAX_VALUE_LENGTH:
        return False
    if check.min_length is not None and len(value) < check.min_length:
        return False
    if check.max_length is not None and len(value) > check.max_length:
        return False
    return check.pattern is None or check.pattern.fullmatch(value) is not None
