"""Parsing the parts nodes share: prompts, keywords, menu options and input rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from ivr_flows.languages import words
from ivr_flows.model import DEFAULT_MAX_TRIES, DEFAULT_TIMEOUT, InputRules, MenuOption, Prompt
from ivr_flows.yamlreader import Reader, line_of

MENU_KEYS = "123456789*"
RULE_KEYS = ("timeout", "max_tries", "no_input", "invalid", "escape", "min_confidence")


@dataclass(frozen=True)
class Scope:
    """What node parsing needs to know about the flow: languages, node ids, reserved words."""

    reader: Reader
    languages: tuple[str, ...]
    node_ids: frozenset[str]
    escape_words: frozenset[tuple[str, ...]]

    def error(self, node: yaml.Node | int, message: str) -> None:
        """Record a problem."""
        self.reader.error(node, message)

    def ref(self, node: yaml.Node, where: str) -> str | None:
        """A reference to another node of the flow."""
        target = self.reader.text(node, where)
        if target is not None and target not in self.node_ids:
            self.error(node, f"{where} refers to unknown node '{target}'")
            return None
        return target

    def language(self, node: yaml.Node, where: str) -> str | None:
        """A language code the flow declares."""
        code = self.reader.text(node, where)
        if code is not None and code not in self.languages:
            declared = ", ".join(self.languages)
            self.error(node, f"{where}: unknown language '{code}' (declared: {declared})")
            return None
        return code


def per_language(
    scope: Scope, node: yaml.Node, where: str, noun: str = "prompt"
) -> dict[str, yaml.Node] | None:
    """A mapping from each declared language to a value; missing and unknown ones are problems."""
    if isinstance(node, yaml.ScalarNode) and len(scope.languages) == 1:
        return {scope.languages[0]: node}
    if isinstance(node, yaml.ScalarNode):
        example = ", ".join(f"{code}: ..." for code in scope.languages)
        scope.error(node, f"{where}: give the {noun} for each declared language: {{{example}}}")
        return None
    pairs = scope.reader.pairs(node, where)
    if pairs is None:
        return None
    found: dict[str, yaml.Node] = {}
    for code, key_node, value_node in pairs:
        if scope.language(key_node, where) is not None:
            found[code] = value_node
    for code in scope.languages:
        if code not in found:
            scope.error(node, f"{where}: missing {noun} for declared language '{code}'")
    return found


def prompt(scope: Scope, node: yaml.Node, where: str) -> Prompt | None:
    """Text per declared language: ``{en: "...", es: {text: "...", voice: "..."}}``."""
    entries = per_language(scope, node, where)
    if entries is None:
        return None
    texts: dict[str, str] = {}
    voices: dict[str, str] = {}
    for code, entry in entries.items():
        inner = f"{where} ({code})"
        if isinstance(entry, yaml.MappingNode):
            fields = scope.reader.fields(entry, inner, required=["text"], optional=["voice"])
            if fields is None or "text" not in fields:
                continue
            text = scope.reader.text(fields["text"], inner)
            voice = scope.reader.text(fields["voice"], inner) if "voice" in fields else None
            if voice is not None:
                voices[code] = voice
        else:
            text = scope.reader.text(entry, inner)
        if text is not None:
            texts[code] = text
    return Prompt(text=texts, voice=voices, line=line_of(node))


def optional_prompt(
    scope: Scope, fields: Mapping[str, yaml.Node], key: str, where: str
) -> Prompt | None:
    """The prompt under ``key`` if the node has one."""
    return prompt(scope, fields[key], f"{where} '{key}'") if key in fields else None


def keywords(scope: Scope, node: yaml.Node, where: str) -> dict[str, tuple[str, ...]]:
    """Spoken keywords: one list for every language, or a list per language."""
    if isinstance(node, yaml.SequenceNode):
        listed = scope.reader.texts(node, where) or ()
        return {code: listed for code in scope.languages}
    pairs = scope.reader.pairs(node, where)
    found: dict[str, tuple[str, ...]] = {}
    for code, key_node, value_node in pairs or ():
        if scope.language(key_node, where) is not None:
            found[code] = scope.reader.texts(value_node, f"{where} ({code})") or ()
    return found


def rules(scope: Scope, fields: Mapping[str, yaml.Node], where: str) -> InputRules:
    """Timeout, tries, retry notices and the escape target of an input node."""
    reader = scope.reader
    timeout = max_tries = None
    if "timeout" in fields:
        timeout = reader.integer(fields["timeout"], f"{where} 'timeout'", 1, 60)
    if "max_tries" in fields:
        max_tries = reader.integer(fields["max_tries"], f"{where} 'max_tries'", 1, 5)
    confidence = None
    if "min_confidence" in fields:
        confidence = reader.number(fields["min_confidence"], f"{where} 'min_confidence'", 0, 1)
    escape = scope.ref(fields["escape"], f"{where} 'escape'") if "escape" in fields else None
    return InputRules(
        timeout=timeout or DEFAULT_TIMEOUT,
        max_tries=max_tries or DEFAULT_MAX_TRIES,
        no_input=optional_prompt(scope, fields, "no_input", where),
        invalid=optional_prompt(scope, fields, "invalid", where),
        escape=escape,
        min_confidence=confidence or 0.0,
    )


def options(
    scope: Scope, node: yaml.Node, where: str, *, choose_language: bool
) -> list[MenuOption]:
    """Menu options (or language choices); digits, keywords and silence each used once."""
    items = scope.reader.sequence(node, where)
    if not items:
        if items is not None:
            scope.error(node, f"{where}: needs at least one option")
        return []
    used: dict[str, int] = {}
    parsed = [_option(scope, item, where, choose_language, used) for item in items]
    return [option for option in parsed if option is not None]


def _option(
    scope: Scope, node: yaml.Node, where: str, choose_language: bool, used: dict[str, int]
) -> MenuOption | None:
    required = ["language"] if choose_language else ["next"]
    optional = ["digit", "keywords", "silence"]
    optional += ["next"] if choose_language else ["language", "anything_else"]
    fields = scope.reader.fields(node, f"{where} option", required=required, optional=optional)
    if fields is None:
        return None
    if not {"digit", "keywords", "silence", "anything_else"} & set(fields):
        needs = "'digit', 'keywords', 'silence: true'" + (
            "" if choose_language else " or 'anything_else: true'"
        )
        scope.error(node, f"{where}: an option needs a {needs}")
    digit = _digit(scope, fields["digit"], where, used) if "digit" in fields else None
    spoken = (
        keywords(scope, fields["keywords"], f"{where} keywords") if "keywords" in fields else {}
    )
    _claim_keywords(scope, fields.get("keywords", node), spoken, where, used)
    silence = bool(scope.reader.boolean(fields["silence"], where)) if "silence" in fields else False
    if silence:
        _claim(scope, node, "silence", "silence: true", where, used)
    other = "anything_else" in fields and bool(scope.reader.boolean(fields["anything_else"], where))
    if other:
        _claim(scope, node, "anything_else", "duplicate anything_else: true", where, used)
    language = scope.language(fields["language"], where) if "language" in fields else None
    target = scope.ref(fields["next"], f"{where} option 'next'") if "next" in fields else None
    return MenuOption(
        digit=digit,
        keywords=spoken,
        next=target,
        language=language,
        silence=silence,
        anything_else=other,
        line=line_of(node),
    )


def _digit(scope: Scope, node: yaml.Node, where: str, used: dict[str, int]) -> str | None:
    digit = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    if digit == "0":
        scope.error(node, f"{where}: digit 0 is reserved for reaching a human")
        return None
    if len(digit) != 1 or digit not in MENU_KEYS:
        scope.error(node, f"{where}: digit must be one key of 1-9 or '*', not '{digit}'")
        return None
    _claim(scope, node, f"digit:{digit}", f"duplicate digit {digit}", where, used)
    return digit


def _claim_keywords(
    scope: Scope,
    node: yaml.Node,
    spoken: Mapping[str, tuple[str, ...]],
    where: str,
    used: dict[str, int],
) -> None:
    seen: set[tuple[str, ...]] = set()
    for phrase in (words(text) for texts in spoken.values() for text in texts):
        if phrase in scope.escape_words:
            spelled = " ".join(phrase)
            scope.error(node, f"{where}: keyword '{spelled}' is reserved for reaching a human")
        elif phrase and phrase not in seen:
            seen.add(phrase)
            _claim(
                scope,
                node,
                f"word:{phrase}",
                f"duplicate keyword '{' '.join(phrase)}'",
                where,
                used,
            )


def _claim(
    scope: Scope, node: yaml.Node, key: str, message: str, where: str, used: dict[str, int]
) -> None:
    if key in used:
        scope.error(node, f"{where}: {message} (first on line {used[key]})")
    else:
        used[key] = line_of(node)
