"""Parsing one node of a flow file by its ``type``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import yaml

from ivr_flows import parse_conditions as conditions
from ivr_flows import parse_parts as parts
from ivr_flows.model import (
    BranchNode,
    CallbackNode,
    Case,
    CollectNode,
    HangupNode,
    KbAnswerNode,
    LanguageNode,
    MenuNode,
    Node,
    PlayNode,
    Prompt,
    QueueNode,
    SayNode,
    SubscribeUpdatesNode,
    TransferNode,
    Validation,
    VoicemailNode,
)
from ivr_flows.parse_parts import RULE_KEYS, Scope
from ivr_flows.yamlreader import line_of

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,47}$")
Fields = Mapping[str, yaml.Node]

KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "say": (("prompt",), ("next", "incident_notice")),
    "play": (("url",), ("next",)),
    "menu": (("prompt", "options"), RULE_KEYS),
    "collect": (("prompt", "variable", "next"), ("input", "validate", "finish_on_key", *RULE_KEYS)),
    "branch": ((), ("if", "then", "else", "cases", "default")),
    "language": (("next",), ("prompt", "options", "set", "use_caller_language", *RULE_KEYS)),
    "queue": (("queue",), ("skills", "priority", "prompt")),
    "transfer": ((), ("number", "agent", "prompt")),
    "voicemail": (("prompt",), ("max_length", "queue", "no_callback_prompt")),
    "callback": (("prompt",), ("queue", "number_variable", "next")),
    "subscribe_updates": (("prompt", "next"), ()),
    "kb_answer": (("prompt", "next"), ("unanswered", "timeout", "escape", "min_confidence")),
    "hangup": ((), ("prompt",)),
}


def parse_node(scope: Scope, node_id: str, node: yaml.Node, line: int) -> Node | None:
    """The model of one node (``line``: where its id is), or None after recording why not."""
    where = f"node '{node_id}'"
    pairs = scope.reader.pairs(node, where)
    if pairs is None:
        return None
    type_node = next((value for key, _, value in pairs if key == "type"), None)
    if type_node is None:
        scope.error(node, f"{where}: missing required key 'type'")
        return None
    kind = scope.reader.text(type_node, f"{where} 'type'")
    if kind not in KEYS:
        if kind is not None:
            expected = ", ".join(KEYS)
            scope.error(
                type_node, f"{where}: unknown node type '{kind}' (expected one of: {expected})"
            )
        return None
    required, optional = KEYS[kind]
    fields = scope.reader.fields(
        node, f"{kind} {where}", required=("type", *required), optional=optional
    )
    if fields is None or any(key not in fields for key in required):
        return None
    return _BUILDERS[kind](scope, node_id, fields, line, f"{kind} {where}")


def _next(scope: Scope, fields: Fields, where: str, key: str = "next") -> str | None:
    return scope.ref(fields[key], f"{where} '{key}'") if key in fields else None


def _prompt(scope: Scope, fields: Fields, where: str, key: str = "prompt") -> Prompt | None:
    return parts.optional_prompt(scope, fields, key, where)


def _say(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    next_id = _next(scope, fields, where)
    incident = "incident_notice" in fields and scope.reader.boolean(
        fields["incident_notice"], where
    )
    if prompt is None:
        return None
    return SayNode(
        id=node_id, line=line, prompt=prompt, next=next_id, incident_notice=bool(incident)
    )


def _play(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    urls = parts.per_language(scope, fields["url"], f"{where} 'url'", noun="url")
    found = {
        code: scope.reader.text(value, f"{where} 'url'") for code, value in (urls or {}).items()
    }
    clean = {code: url for code, url in found.items() if url is not None}
    for code, url in clean.items():
        if not url.startswith(("https://", "http://")):
            scope.error(fields["url"], f"{where}: url for '{code}' must start with https://")
    next_id = _next(scope, fields, where)
    return PlayNode(id=node_id, line=line, url=clean, next=next_id)


def _menu(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    options = parts.options(scope, fields["options"], where, choose_language=False)
    rules = parts.rules(scope, fields, where)
    if prompt is None:
        return None
    return MenuNode(id=node_id, line=line, prompt=prompt, options=tuple(options), rules=rules)


def _collect(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    variable = scope.reader.text(fields["variable"], f"{where} 'variable'")
    if variable is not None and not NAME.match(variable):
        scope.error(fields["variable"], f"{where}: 'variable' must be a short name like account")
    mode = scope.reader.text(fields["input"], f"{where} 'input'") if "input" in fields else "digits"
    if mode not in ("digits", "speech"):
        scope.error(fields["input"], f"{where}: 'input' must be digits or speech, not '{mode}'")
    check = Validation()
    if "validate" in fields:
        check = conditions.validation(scope, fields["validate"], where) or check
    finish = "#"
    if "finish_on_key" in fields:
        finish = str(getattr(fields["finish_on_key"], "value", ""))
        if finish not in ("#", "*", ""):
            scope.error(fields["finish_on_key"], f"{where}: 'finish_on_key' must be '#', '*' or ''")
    next_id = _next(scope, fields, where)
    rules = parts.rules(scope, fields, where)
    if prompt is None or variable is None or next_id is None or mode not in ("digits", "speech"):
        return None
    return CollectNode(
        id=node_id,
        line=line,
        prompt=prompt,
        variable=variable,
        next=next_id,
        mode="digits" if mode == "digits" else "speech",
        validation=check,
        finish_on_key=finish,
        rules=rules,
    )


def _branch(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    simple = [key for key in ("if", "then", "else") if key in fields]
    listed = [key for key in ("cases", "default") if key in fields]
    if (simple and listed) or sorted(simple or listed) not in (
        ["else", "if", "then"],
        ["cases", "default"],
    ):
        scope.error(line, f"{where}: use either 'if', 'then' and 'else', or 'cases' and 'default'")
        return None
    if simple:
        found = conditions.condition(scope, fields["if"], where)
        then = _next(scope, fields, where, "then")
        cases = [Case(condition=found, then=then, line=line)] if found and then else []
        default = _next(scope, fields, where, "else")
    else:
        cases = _cases(scope, fields["cases"], where)
        default = _next(scope, fields, where, "default")
    if not cases or default is None:
        return None
    return BranchNode(id=node_id, line=line, cases=tuple(cases), default=default)


def _cases(scope: Scope, node: yaml.Node, where: str) -> list[Case]:
    cases: list[Case] = []
    for item in scope.reader.sequence(node, f"{where} 'cases'") or ():
        fields = scope.reader.fields(item, f"{where} case", required=("if", "then"))
        if fields is None or "if" not in fields or "then" not in fields:
            continue
        found = conditions.condition(scope, fields["if"], where)
        then = _next(scope, fields, where, "then")
        if found is not None and then is not None:
            cases.append(Case(condition=found, then=then, line=line_of(item)))
    return cases


def _language(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    fixed = scope.language(fields["set"], f"{where} 'set'") if "set" in fields else None
    asks = "options" in fields or "prompt" in fields
    if ("set" in fields) == asks:
        scope.error(line, f"{where}: give either 'set' or a 'prompt' with 'options'")
    elif asks and not ("options" in fields and "prompt" in fields):
        scope.error(line, f"{where}: a language choice needs both 'prompt' and 'options'")
    use_caller = False
    if "use_caller_language" in fields:
        use_caller = bool(scope.reader.boolean(fields["use_caller_language"], where))
    options = []
    if "options" in fields:
        options = parts.options(scope, fields["options"], where, choose_language=True)
    next_id = _next(scope, fields, where)
    if next_id is None:
        return None
    return LanguageNode(
        id=node_id,
        line=line,
        next=next_id,
        prompt=_prompt(scope, fields, where),
        options=tuple(options),
        set=fixed,
        use_caller_language=use_caller,
        rules=parts.rules(scope, fields, where),
    )


def _queue(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    queue = scope.reader.text(fields["queue"], f"{where} 'queue'")
    skills: tuple[str, ...] = ()
    if "skills" in fields:
        skills = scope.reader.texts(fields["skills"], f"{where} 'skills'") or ()
    priority = 0
    if "priority" in fields:
        priority = scope.reader.integer(fields["priority"], f"{where} 'priority'", 0, 100) or 0
    prompt = _prompt(scope, fields, where)
    if queue is None:
        return None
    return QueueNode(
        id=node_id, line=line, queue=queue, skills=skills, priority=priority, prompt=prompt
    )


def _transfer(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    if ("number" in fields) == ("agent" in fields):
        scope.error(line, f"{where}: give either 'number' or 'agent'")
        return None
    number = agent = None
    if "number" in fields:
        number = scope.reader.text(fields["number"], f"{where} 'number'")
        if number is not None and not E164.match(number):
            scope.error(fields["number"], f"{where}: '{number}' is not an E.164 number")
    if "agent" in fields:
        agent = scope.reader.text(fields["agent"], f"{where} 'agent'")
    prompt = _prompt(scope, fields, where)
    return TransferNode(id=node_id, line=line, number=number, agent=agent, prompt=prompt)


def _voicemail(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    seconds = 120
    if "max_length" in fields:
        seconds = scope.reader.integer(fields["max_length"], f"{where} 'max_length'", 5, 600) or 120
    queue = scope.reader.text(fields["queue"], f"{where} 'queue'") if "queue" in fields else None
    no_callback = _prompt(scope, fields, where, "no_callback_prompt")
    if prompt is None:
        return None
    return VoicemailNode(
        id=node_id,
        line=line,
        prompt=prompt,
        max_length=seconds,
        queue=queue or "general",
        no_callback_prompt=no_callback,
    )


def _callback(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    queue = scope.reader.text(fields["queue"], f"{where} 'queue'") if "queue" in fields else None
    variable = None
    if "number_variable" in fields:
        variable = scope.reader.text(fields["number_variable"], f"{where} 'number_variable'")
    next_id = _next(scope, fields, where)
    if prompt is None:
        return None
    return CallbackNode(
        id=node_id,
        line=line,
        prompt=prompt,
        queue=queue or "general",
        number_variable=variable,
        next=next_id,
    )


def _subscribe_updates(
    scope: Scope, node_id: str, fields: Fields, line: int, where: str
) -> Node | None:
    prompt = _prompt(scope, fields, where)
    next_id = _next(scope, fields, where)
    if prompt is None or next_id is None:
        return None
    return SubscribeUpdatesNode(id=node_id, line=line, prompt=prompt, next=next_id)


def _kb_answer(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    prompt = _prompt(scope, fields, where)
    next_id = _next(scope, fields, where)
    unanswered = _prompt(scope, fields, where, "unanswered")
    rules = parts.rules(scope, fields, where)
    if prompt is None or next_id is None:
        return None
    return KbAnswerNode(
        id=node_id, line=line, prompt=prompt, next=next_id, unanswered=unanswered, rules=rules
    )


def _hangup(scope: Scope, node_id: str, fields: Fields, line: int, where: str) -> Node | None:
    return HangupNode(id=node_id, line=line, prompt=_prompt(scope, fields, where))


_BUILDERS: dict[str, Callable[[Scope, str, Fields, int, str], Node | None]] = {
    "say": _say,
    "play": _play,
    "menu": _menu,
    "collect": _collect,
    "branch": _branch,
    "language": _language,
    "queue": _queue,
    "transfer": _transfer,
    "voicemail": _voicemail,
    "callback": _callback,
    "subscribe_updates": _subscribe_updates,
    "kb_answer": _kb_answer,
    "hangup": _hangup,
}
