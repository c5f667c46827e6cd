"""Reading a composed YAML tree field by field, keeping every mistake with its line number."""

from __future__ import annotations

from collections.abc import Collection

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from ivr_flows.errors import Problem

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
# What PyYAML's safe constructors raise on explicitly tagged nonsense such as `!!int` or
# `!!bool maybe`: such a value is kept as text, and the field that wanted a number says so.
_BAD_SCALAR = (ConstructorError, ValueError, IndexError, KeyError, AttributeError, TypeError)


# Errors whose context mark is where something was opened and never closed or finished (a
# `[`, a `{`, a quote, a key): that line is the one to fix, while the problem mark is where
# YAML gave up, often a line or more later. A block mapping's context mark is merely where
# the mapping starts, so there the problem mark is the line to fix.
_OPENED = ("while scanning", "while parsing a flow sequence", "while parsing a flow mapping")


def line_of(node: yaml.Node) -> int:
    """The 1-based line where ``node`` starts."""
    return int(node.start_mark.line) + 1


def key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of each key of a mapping (the first, if a key is repeated)."""
    lines: dict[str, int] = {}
    for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        if isinstance(key_node, yaml.ScalarNode):
            lines.setdefault(str(key_node.value), line_of(key_node))
    return lines


def syntax_problem(source: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    """A YAML syntax error, at the unclosed bracket or quote if any, else where YAML gave up."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: its line
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "?")
        return Problem(source, line, f"not valid YAML: character U+{code:04X} is not allowed")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(source, 1, f"not valid YAML: {exc}")
    detail = exc.problem or str(exc)
    mark = exc.problem_mark or exc.context_mark
    opener = exc.context_mark if (exc.context or "").startswith(_OPENED) else None
    if opener is not None:
        if mark is not None and mark.line > opener.line:
            detail += f" on line {mark.line + 1} ({exc.context} that starts here)"
        mark = opener
    line = 1 if mark is None else int(mark.line) + 1
    return Problem(source, line, f"not valid YAML: {detail}")


class Reader:
    """Typed access to YAML nodes of one file; wrong values become problems, never exceptions."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()

    def error(self, node: yaml.Node | int, message: str) -> None:
        """Record a problem at ``node`` (or at a line number)."""
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.source, line, message))

    def pairs(self, node: yaml.Node, where: str) -> list[tuple[str, yaml.Node, yaml.Node]] | None:
        """The (key, key node, value node) triples of a mapping; duplicate keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where}: expected a mapping, not {self._describe(node)}")
            return None
        seen: dict[str, int] = {}
        result: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{where}: keys must be plain words")
                continue
            key = str(key_node.value)
            if key in seen:
                self.error(key_node, f"{where}: duplicate key '{key}' (first on line {seen[key]})")
                continue
            seen[key] = line_of(key_node)
            result.append((key, key_node, value_node))
        return result

    def fields(
        self,
        node: yaml.Node,
        where: str,
        *,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """A mapping's values by key; unknown and missing keys are problems."""
        pairs = self.pairs(node, where)
        if pairs is None:
            return None
        allowed = [*required, *optional]
        found: dict[str, yaml.Node] = {}
        for key, key_node, value_node in pairs:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.error(key_node, f"{where}: unknown key '{key}' (expected one of: {expected})")
                continue
            found[key] = value_node
        for key in required:
            if key not in found:
                self.error(node, f"{where}: missing required key '{key}'")
        return found

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node] | None:
        """The items of a list."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{where}: expected a list, not {self._describe(node)}")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, where: str) -> str | None:
        """A non-empty string as written: ``no`` stays ``no``, ``+1555`` keeps its plus."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            self.error(node, f"{where}: expected text, not {self._describe(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.error(node, f"{where}: must not be empty")
            return None
        return value

    def texts(self, node: yaml.Node, where: str) -> tuple[str, ...] | None:
        """A list of non-empty strings."""
        items = self.sequence(node, where)
        if items is None:
            return None
        values = [self.text(item, where) for item in items]
        return tuple(value for value in values if value is not None)

    def integer(
        self, node: yaml.Node, where: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """A whole number within optional bounds."""
        value = self.value(node)
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(node, f"{where}: must be a whole number, not {self._describe(node)}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f" at least {minimum}"
            high = "" if maximum is None else f" at most {maximum}"
            joiner = " and" if low and high else ""
            self.error(node, f"{where}: must be{low}{joiner}{high}, not {value}")
            return None
        return value

    def number(self, node: yaml.Node, where: str, minimum: float, maximum: float) -> float | None:
        """A number (whole or decimal) within bounds."""
        value = self.value(node)
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.error(node, f"{where}: must be a number, not {self._describe(node)}")
            return None
        if not minimum <= value <= maximum:
            self.error(node, f"{where}: must be between {minimum} and {maximum}, not {value}")
            return None
        return float(value)

    def boolean(self, node: yaml.Node, where: str) -> bool | None:
        """``true`` or ``false``."""
        value = self.value(node)
        if not isinstance(value, bool):
            self.error(node, f"{where}: must be true or false, not {self._describe(node)}")
            return None
        return value

    def value(self, node: yaml.Node) -> object:
        """The Python value of a scalar as YAML reads it; None for lists and mappings."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return self._constructor.construct_object(node)
        except _BAD_SCALAR:
            return str(node.value)

    def _describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        if node.tag == _NULL:
            return "nothing"
        return f"'{node.value}'"
