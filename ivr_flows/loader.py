"""Loading flow files: YAML to the flow model, every mistake reported as ``file:line: message``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from ivr_flows.errors import FlowError, Problem
from ivr_flows.languages import LANGUAGES, words
from ivr_flows.model import DEFAULT_MAX_PROMPTS, CallbackNode, CollectNode, Flow, Node
from ivr_flows.parse_nodes import E164, NAME, parse_node
from ivr_flows.parse_parts import Scope
from ivr_flows.yamlreader import Reader, key_lines, line_of, syntax_problem

SHIPPED_FLOWS = Path(__file__).parent / "flows"
LOCALE = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")
REQUIRED = ("languages", "start", "nodes")
OPTIONAL = (
    "description",
    "numbers",
    "default",
    "max_prompts_to_human",
    "escape",
    "escape_words",
    "voices",
    "locales",
)


def load_flow(path: str | Path) -> Flow:
    """Load one flow file; its id is the file name without ``.yaml``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, 1, exc) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The line of the first bad byte: a byte count alone is no help in an editor.
        raise _unreadable(path, data.count(b"\n", 0, exc.start) + 1, exc) from None
    return parse_flow(text, flow_id=path.stem, source=str(path))


def parse_flow(text: str, *, flow_id: str, source: str = "<flow>") -> Flow:
    """Build a flow from YAML text, or raise FlowError listing every problem found."""
    reader = Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise FlowError(f"{source}: not valid YAML", [syntax_problem(source, exc, text)]) from None
    if not NAME.match(flow_id):
        reader.error(1, f"'{flow_id}' is not a usable flow id: name the file like main_line.yaml")
    flow = None if root is None else _flow(reader, root, flow_id)
    if root is None:
        reader.error(1, "the file is empty")
    if reader.problems or flow is None:
        count = len(reader.problems)
        raise FlowError(f"{source}: {count} problem(s)", sorted(reader.problems))
    return flow


def flow_files(paths: Iterable[str | Path]) -> list[Path]:
    """The flow files named by ``paths``: files as given, directories' ``*.yaml`` sorted by name."""
    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return found


def load_flows(paths: Iterable[str | Path]) -> list[Flow]:
    """Load every flow file under ``paths``; one FlowError carries the problems of all files."""
    flows: list[Flow] = []
    problems: list[Problem] = []
    for path in flow_files(paths):
        try:
            flows.append(load_flow(path))
        except FlowError as exc:
            problems += exc.problems
    if problems:
        raise FlowError(f"{len(problems)} problem(s) in flow files", problems)
    return flows


def _unreadable(path: Path, line: int, exc: Exception) -> FlowError:
    return FlowError(f"cannot read {path}", [Problem(str(path), line, f"cannot read: {exc}")])


def _flow(reader: Reader, root: yaml.Node, flow_id: str) -> Flow | None:
    fields = reader.fields(root, "flow", required=REQUIRED, optional=OPTIONAL)
    if fields is None or any(key not in fields for key in REQUIRED):
        return None
    languages = _languages(reader, fields["languages"])
    node_pairs = reader.pairs(fields["nodes"], "'nodes'")
    if languages is None or node_pairs is None:
        return None
    extra_words = _per_language_words(reader, fields, languages)
    escape_phrases = {words(word) for code in languages for word in LANGUAGES[code].escape_words}
    escape_phrases |= {words(word) for listed in extra_words.values() for word in listed}
    scope = Scope(
        reader, languages, frozenset(key for key, _, _ in node_pairs), frozenset(escape_phrases)
    )
    nodes = _nodes(scope, fields["nodes"], node_pairs)
    start = scope.ref(fields["start"], "flow 'start'")
    escape = scope.ref(fields["escape"], "flow 'escape'") if "escape" in fields else None
    _check_variables(scope, nodes)
    numbers = _numbers(reader, fields["numbers"]) if "numbers" in fields else {}
    flow = Flow(
        id=flow_id,
        languages=languages,
        start=start or "",
        nodes=nodes,
        description=_optional_text(reader, fields, "description") or "",
        numbers=tuple(numbers),
        default=bool(reader.boolean(fields["default"], "flow 'default'"))
        if "default" in fields
        else False,
        max_prompts_to_human=_max_prompts(reader, fields),
        escape=escape,
        escape_words=extra_words,
        voices=_per_language_text(scope, fields, "voices"),
        locales=_per_language_text(scope, fields, "locales"),
        source=reader.source,
        line=line_of(root),
        key_lines=key_lines(root),
        number_lines=numbers,
    )
    return flow if start is not None else None


def _languages(reader: Reader, node: yaml.Node) -> tuple[str, ...] | None:
    items = reader.sequence(node, "flow 'languages'")
    if items is None:
        return None
    if not items:
        reader.error(node, "flow 'languages': declare at least one language, e.g. [en]")
        return None
    codes: list[str] = []
    clean = True
    for item in items:
        code = reader.text(item, "flow 'languages'")
        if code is not None and code not in LANGUAGES:
            supported = ", ".join(LANGUAGES)
            reader.error(
                item, f"flow 'languages': unknown language '{code}' (supported: {supported})"
            )
        elif code is not None and code in codes:
            reader.error(item, f"flow 'languages': '{code}' is listed twice")
        elif code is not None:
            codes.append(code)
            continue
        clean = False
    return tuple(codes) if clean else None


def _nodes(
    scope: Scope, node: yaml.Node, pairs: list[tuple[str, yaml.Node, yaml.Node]]
) -> dict[str, Node]:
    if not pairs:
        scope.error(node, "flow 'nodes': a flow needs at least one node")
    nodes: dict[str, Node] = {}
    for node_id, key_node, value_node in pairs:
        if not NAME.match(node_id):
            scope.error(key_node, f"node '{node_id}': ids are letters, digits, _ and - (up to 48)")
            continue
        parsed = parse_node(scope, node_id, value_node, line_of(key_node))
        if parsed is not None:
            nodes[node_id] = parsed
    return nodes


def _check_variables(scope: Scope, nodes: dict[str, Node]) -> None:
    collected = {node.variable for node in nodes.values() if isinstance(node, CollectNode)}
    for node in nodes.values():
        if isinstance(node, CallbackNode) and node.number_variable not in (None, *collected):
            message = f"no collect node fills variable '{node.number_variable}'"
            scope.error(node.line, f"callback node '{node.id}': {message}")


def _numbers(reader: Reader, node: yaml.Node) -> dict[str, int]:
    """Each number the flow answers, with the line of its first listing."""
    found: dict[str, int] = {}
    for item in reader.sequence(node, "flow 'numbers'") or ():
        number = reader.text(item, "flow 'numbers'")
        if number is None:
            continue
        if not E164.match(number):
            reader.error(
                item, f"flow 'numbers': '{number}' is not an E.164 number like +15558675310"
            )
        elif number in found:
            reader.error(item, f"flow 'numbers': {number} is listed twice")
        found.setdefault(number, line_of(item))
    return found


def _max_prompts(reader: Reader, fields: dict[str, yaml.Node]) -> int:
    if "max_prompts_to_human" not in fields:
        return DEFAULT_MAX_PROMPTS
    value = reader.integer(fields["max_prompts_to_human"], "flow 'max_prompts_to_human'", 0, 20)
    return DEFAULT_MAX_PROMPTS if value is None else value


def _optional_text(reader: Reader, fields: dict[str, yaml.Node], key: str) -> str | None:
    return reader.text(fields[key], f"flow '{key}'") if key in fields else None


def _per_language_words(
    reader: Reader, fields: dict[str, yaml.Node], languages: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    if "escape_words" not in fields:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for code, key_node, value in reader.pairs(fields["escape_words"], "flow 'escape_words'") or ():
        if code not in languages:
            reader.error(
                key_node,
                f"flow 'escape_words': unknown language '{code}' "
                f"(declared: {', '.join(languages)})",
            )
            continue
        found[code] = reader.texts(value, f"flow 'escape_words' ({code})") or ()
    return found


def _per_language_text(scope: Scope, fields: dict[str, yaml.Node], key: str) -> dict[str, str]:
    if key not in fields:
        return {}
    found: dict[str, str] = {}
    for code, key_node, value in scope.reader.pairs(fields[key], f"flow '{key}'") or ():
        text = scope.reader.text(value, f"flow '{key}' ({code})")
        if scope.language(key_node, f"flow '{key}'") is None or text is None:
            continue
        if key == "locales" and not LOCALE.match(text):
            scope.error(value, f"flow 'locales': '{text}' is not a locale like es-MX")
        found[code] = text
    return found
