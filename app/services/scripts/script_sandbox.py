"""The small template language of incident scripts, and the sandbox it runs in.

A script is text a supervisor writes, so it is treated as hostile: it may name the
recipient's variables, use ``{% if %}`` and a few harmless filters, and nothing else. No
attribute or item access, no calls, no loops, no imports: a template that reaches for
``''.__class__`` or ``config`` is refused before it runs, with the line it is on. What
passes runs in Jinja2's ``SandboxedEnvironment`` with no globals, so a hole in the first
check still meets the second. A variable the recipient lacks is an error, never a blank.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.filters import FILTERS
from jinja2.sandbox import SandboxedEnvironment

# What a recipient brings to a script (``update`` only when the incident has one in
# the recipient's language).
VARIABLES = (
    "first_name",
    "service",
    "region",
    "area",
    "eta",
    "status_link",
    "incident_title",
    "update",
)
FILTERS_ALLOWED = ("capitalize", "default", "d", "lower", "title", "trim", "upper")
TESTS_ALLOWED = ("defined", "undefined", "none")
# The expression and statement kinds a script may use: names, text, ``if``, ``~``,
# comparisons, and/or/not, the filters and tests above.
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Filter,
    nodes.Test,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
)
_WORDS = {
    nodes.Getattr: "attribute access ('.name')",
    nodes.Getitem: "item access ('[...]')",
    nodes.Call: "calls ('(...)')",
    nodes.For: "{% for %} loops",
    nodes.Macro: "macros",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Extends: "{% extends %}",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Block: "{% block %}",
}


class TemplateProblem(ValueError):
    """Why a template may not run, for the person who wrote it; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Compiled:
    """A template that passed the checks, ready to render."""

    source: str
    template: Template


def compile_template(source: str) -> Compiled:
    """The template, checked; ``TemplateProblem`` for the first thing wrong with it."""
    problems = check(source)
    if problems:
        raise problems[0]
    return Compiled(source, _environment().from_string(source))


def check(source: str) -> list[TemplateProblem]:
    """Everything wrong with the template, in line order: syntax, then what it may not use."""
    try:
        tree = _environment().parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(f"The template does not parse: {exc.message}.", exc.lineno)]
    problems = list(_refusals(tree))
    return sorted(problems, key=lambda p: p.line or 0)


def names_used(source: str) -> dict[str, int]:
    """Each variable the template names, with the first line it is on (none if it does
    not parse)."""
    try:
        tree = _environment().parse(source)
    except TemplateSyntaxError:
        return {}
    found: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        found[node.name] = min(found.get(node.name, node.lineno), node.lineno)
    return found


def render(compiled: Compiled, variables: Mapping[str, str]) -> str:
    """The template's text for these variables; ``TemplateProblem`` if it cannot be made.

    A template is text a supervisor typed: whatever it raises is a mistake in the script
    to report, never a crash of the broadcast that renders it."""
    try:
        return compiled.template.render(dict(variables))
    except TemplateError as exc:
        raise TemplateProblem(_plain(exc)) from None
    except Exception as exc:  # any failure of hostile text is its own fault, not ours
        raise TemplateProblem(f"The template failed: {type(exc).__name__}.") from None


def _refusals(tree: nodes.Template) -> Iterator[TemplateProblem]:
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Name) and node.name not in VARIABLES:
            yield TemplateProblem(_unknown(node.name), node.lineno)
        elif isinstance(node, nodes.Filter) and node.name not in FILTERS_ALLOWED:
            allowed = ", ".join(FILTERS_ALLOWED)
            yield TemplateProblem(
                f"The filter '{node.name}' is not allowed in a script; use one of {allowed}.",
                node.lineno,
            )
        elif isinstance(node, nodes.Test) and node.name not in TESTS_ALLOWED:
            allowed = ", ".join(TESTS_ALLOWED)
            yield TemplateProblem(
                f"The test 'is {node.name}' is not allowed in a script; use one of {allowed}.",
                node.lineno,
            )
        elif not isinstance(node, _ALLOWED_NODES):
            what = _WORDS.get(type(node), f"'{type(node).__name__}' expressions")
            yield TemplateProblem(
                f"Scripts may not use {what}; only variables, {{% if %}} and filters.",
                node.lineno,
            )


def _unknown(name: str) -> str:
    known = ", ".join(VARIABLES)
    return f"'{name}' is not a variable a script knows; the variables are {known}."


def _plain(exc: TemplateError) -> str:
    message = exc.message or type(exc).__name__
    if "is undefined" in message:
        name = message.split("'")[1] if message.count("'") >= 2 else "a variable"
        return f"The recipient has no '{name}'."
    return f"The template was refused: {message}."


@cache
def _environment() -> SandboxedEnvironment:
    """One sandbox per process: plain text (no autoescape), strict about missing values,
    no globals (no ``range``, ``cycler``, ``lipsum``...), only the harmless filters."""
    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, cache_size=0)
    env.globals.clear()
    env.filters = {name: FILTERS[name] for name in FILTERS_ALLOWED}
    env.tests = {name: env.tests[name] for name in TESTS_ALLOWED}
    return env
