"""Routing weights: the points a contact earns, read and validated from a YAML file."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from routing.errors import WeightsError

DEFAULT_WEIGHTS_FILE = Path(__file__).parent / "weights.yaml"
MAX_POINTS = 10_000.0
_TIER = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, kw_only=True)
class Capped:
    """Points per unit of something, never more than ``cap`` in all."""

    per: float
    cap: float

    def points(self, amount: float) -> float:
        """The points for ``amount`` units (negative amounts count as none)."""
        return min(self.cap, max(0.0, amount) * self.per)


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Every weight of the priority policy; all points are at least 0."""

    tiers: Mapping[str, float]
    unknown_caller: float
    lifetime_value_unit: float
    lifetime_value: Capped
    contacts_24h: Capped
    contacts_7d: Capped
    open_cases: Capped
    recent_bad_outcome: float
    priority_hint: Capped
    aging_per_second: float
    sticky_wait_seconds: float
    sticky_window_days: float
    service_level_seconds: float
    service_level_target: float

    def __post_init__(self) -> None:
        if not self.aging_per_second > 0:
            raise WeightsError("aging points per second must be above 0, or callers can starve")
        if not self.lifetime_value_unit > 0:
            raise WeightsError("the lifetime value unit must be above 0")

    @property
    def min_base(self) -> float:
        """The lowest base priority any contact can have."""
        return min([*self.tiers.values(), self.unknown_caller])

    @property
    def max_base(self) -> float:
        """The highest base priority any contact can have: the best tier and every cap."""
        capped = (self.lifetime_value, self.contacts_24h, self.contacts_7d, self.open_cases)
        caps = [item.cap for item in (*capped, self.priority_hint)]
        best = max([*self.tiers.values(), self.unknown_caller])
        return math.fsum([best, *caps, self.recent_bad_outcome])


@dataclass(frozen=True)
class _Range:
    low: float
    high: float
    above: bool = False  # the low end itself is not allowed

    def check(self, value: float) -> str | None:
        if self.above and value <= self.low:
            return f"must be above {self.low:g}, not {value:g}"
        if not self.low <= value <= self.high:
            return f"must be between {self.low:g} and {self.high:g}, not {value:g}"
        return None


_POINTS = _Range(0, MAX_POINTS)
_SCALARS = {"unknown_caller": _POINTS, "recent_bad_outcome": _POINTS}
_SECTIONS: dict[str, dict[str, _Range]] = {
    "lifetime_value": {"unit": _Range(0, 1e12, True), "points_per_unit": _POINTS, "cap": _POINTS},
    "contacts_24h": {"points_per_contact": _POINTS, "cap": _POINTS},
    "contacts_7d": {"points_per_contact": _POINTS, "cap": _POINTS},
    "open_cases": {"points_per_case": _POINTS, "cap": _POINTS},
    "priority_hint": {"multiplier": _POINTS, "cap": _POINTS},
    "aging": {"points_per_second": _Range(0, MAX_POINTS, True)},
    "sticky": {"wait_seconds": _Range(0, 3600), "window_days": _Range(0, 365)},
    "service_level": {"threshold_seconds": _Range(0, 3600, True), "target": _Range(0, 1, True)},
}
_KEYS = ("tiers", *_SCALARS, *_SECTIONS)


@functools.cache
def default_weights() -> Weights:
    """The weights shipped in routing/weights.yaml (read once)."""
    return load_weights(DEFAULT_WEIGHTS_FILE)


def load_weights(path: str | Path) -> Weights:
    """Load a weights file; WeightsError lists every problem as ``file:line: message``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WeightsError(f"cannot read weights file {path}", [f"{path}:1: {exc}"]) from None
    return parse_weights(text, source=str(path))


def parse_weights(text: str, *, source: str = "<weights>") -> Weights:
    """Build weights from YAML text, or raise WeightsError listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 1
        problem = f"{source}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"
        raise WeightsError(f"{source}: not valid YAML", [problem]) from None
    reader = _Reader(source)
    values = reader.root(root)
    if reader.problems:
        raise WeightsError(f"{source}: {len(reader.problems)} problem(s)", reader.problems)
    return _build(values)


def _build(values: dict[str, object]) -> Weights:
    def number(key: str) -> float:
        value = values[key]
        assert isinstance(value, float)
        return value

    def capped(section: str, per: str) -> Capped:
        return Capped(per=number(f"{section}.{per}"), cap=number(f"{section}.cap"))

    tiers = values["tiers"]
    assert isinstance(tiers, dict)
    return Weights(
        tiers=MappingProxyType(tiers),
        unknown_caller=number("unknown_caller"),
        lifetime_value_unit=number("lifetime_value.unit"),
        lifetime_value=capped("lifetime_value", "points_per_unit"),
        contacts_24h=capped("contacts_24h", "points_per_contact"),
        contacts_7d=capped("contacts_7d", "points_per_contact"),
        open_cases=capped("open_cases", "points_per_case"),
        recent_bad_outcome=number("recent_bad_outcome"),
        priority_hint=capped("priority_hint", "multiplier"),
        aging_per_second=number("aging.points_per_second"),
        sticky_wait_seconds=number("sticky.wait_seconds"),
        sticky_window_days=number("sticky.window_days"),
        service_level_seconds=number("service_level.threshold_seconds"),
        service_level_target=number("service_level.target"),
    )


class _Reader:
    """Walks the composed YAML tree, keeping every problem with its line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self._constructor = SafeConstructor()

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"{self.source}:{node.start_mark.line + 1}: {message}")

    def root(self, node: yaml.Node | None) -> dict[str, object]:
        if node is None:
            self.problems.append(f"{self.source}:1: the file is empty")
            return {}
        values: dict[str, object] = {}
        for key, value in self.fields(node, "weights", _KEYS).items():
            if key == "tiers":
                values["tiers"] = self.tiers(value)
            elif key in _SCALARS:
                values[key] = self.number(value, key, _SCALARS[key])
            else:
                for name, item in self.fields(value, key, tuple(_SECTIONS[key])).items():
                    values[f"{key}.{name}"] = self.number(
                        item, f"{key}.{name}", _SECTIONS[key][name]
                    )
        return values

    def fields(
        self, node: yaml.Node, where: str, expected: tuple[str, ...]
    ) -> dict[str, yaml.Node]:
        """A mapping's values by key; unknown, repeated and missing keys are problems."""
        found = self.mapping(node, where)
        if found is None:
            return {}
        for key, key_node in list(found.items()):
            if key not in expected:
                self.error(
                    key_node[0], f"{where}: unknown key '{key}' (expected: {', '.join(expected)})"
                )
                del found[key]
        for key in expected:
            if key not in found:
                self.error(node, f"{where}: missing '{key}'")
        return {key: value for key, (_, value) in found.items()}

    def mapping(self, node: yaml.Node, where: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """A mapping's (key node, value node) pairs by key; None if ``node`` is no mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where}: expected a mapping")
            return None
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.error(key_node, f"{where}: '{key}' appears twice")
            found[key] = (key_node, value_node)
        return found

    def tiers(self, node: yaml.Node) -> dict[str, float]:
        tiers: dict[str, float] = {}
        found = self.mapping(node, "tiers")
        for name, (key_node, value) in (found or {}).items():
            if not _TIER.match(name):
                self.error(key_node, f"tiers: '{name}' is not a tier name (lowercase words)")
            tiers[name] = self.number(value, f"tiers.{name}", _POINTS)
        if found is not None and not tiers:
            self.error(node, "tiers: name at least one tier")
        return tiers

    def number(self, node: yaml.Node, where: str, allowed: _Range) -> float:
        value: object = None
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self._constructor.construct_object(node)
            except (ConstructorError, ValueError):
                value = node.value
        if not isinstance(value, int | float) or isinstance(value, bool):
            shown = f"'{node.value}'" if isinstance(node, yaml.ScalarNode) else "a list or mapping"
            self.error(node, f"{where}: must be a number, not {shown}")
            return 0.0
        problem = allowed.check(float(value))
        if problem:
            self.error(node, f"{where}: {problem}")
        return float(value)
