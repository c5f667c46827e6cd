"""Parsing branch conditions, business hours and the validation of collected values."""

from __future__ import annotations

import re
import warnings
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ivr_flows.hours import BusinessHours, Window, parse_window
from ivr_flows.languages import LANGUAGES
from ivr_flows.model import MAX_VALUE_LENGTH, Condition, Validation
from ivr_flows.parse_parts import Scope

TIERS = ("platinum", "gold", "silver", "bronze")
_BOOLEAN_TESTS = ("has_open_case", "known_caller", "incident_affects_caller")
_SET_TESTS = ("tier", "caller_language", "language", "region")


def condition(scope: Scope, node: yaml.Node, where: str) -> Condition | None:
    """Tests that must all hold, e.g. ``{tier: [gold, platinum], known_caller: true}``."""
    optional = ["business_hours", *_SET_TESTS, *_BOOLEAN_TESTS]
    fields = scope.reader.fields(node, f"{where} condition", optional=optional)
    if fields is None:
        return None
    if not fields:
        scope.error(node, f"{where}: a condition needs at least one test")
        return None
    flags = {
        key: scope.reader.boolean(fields[key], f"{where} '{key}'")
        for key in _BOOLEAN_TESTS
        if key in fields
    }
    sets = {
        key: _value_set(scope, fields[key], key, f"{where} '{key}'")
        for key in _SET_TESTS
        if key in fields
    }
    hours = None
    if "business_hours" in fields:
        hours = business_hours(scope, fields["business_hours"], where)
        if hours is None:
            return None
    if None in flags.values() or None in sets.values():
        return None
    return Condition(
        business_hours=hours,
        tier=sets.get("tier"),
        caller_language=sets.get("caller_language"),
        language=sets.get("language"),
        region=sets.get("region"),
        has_open_case=flags.get("has_open_case"),
        known_caller=flags.get("known_caller"),
        incident_affects_caller=flags.get("incident_affects_caller"),
    )


def _value_set(scope: Scope, node: yaml.Node, key: str, where: str) -> frozenset[str] | None:
    if isinstance(node, yaml.SequenceNode):
        values = scope.reader.texts(node, where)
    else:
        single = scope.reader.text(node, where)
        values = None if single is None else (single,)
    if values is None:
        return None
    allowed: tuple[str, ...] | None = {
        "tier": TIERS,
        "language": scope.languages,
        "caller_language": tuple(LANGUAGES),
    }.get(key)
    for value in values:
        if allowed is not None and value not in allowed:
            noun = "tier" if key == "tier" else "language"
            scope.error(node, f"{where}: unknown {noun} '{value}' (expected: {', '.join(allowed)})")
            return None
    return frozenset(values)


def business_hours(scope: Scope, node: yaml.Node, where: str) -> BusinessHours | None:
    """``{timezone, weekly: ["mon-fri 08:00-20:00"], holidays: [dates], closed_switch}``."""
    where = f"{where} business_hours"
    fields = scope.reader.fields(
        node, where, required=["timezone", "weekly"], optional=["holidays", "closed_switch"]
    )
    if fields is None or "timezone" not in fields or "weekly" not in fields:
        return None
    timezone = _timezone(scope, fields["timezone"], where)
    weekly = _windows(scope, fields["weekly"], where)
    holidays = _holidays(scope, fields["holidays"], where) if "holidays" in fields else frozenset()
    switch = None
    if "closed_switch" in fields:
        switch = scope.reader.text(fields["closed_switch"], f"{where} 'closed_switch'")
    if timezone is None or weekly is None or holidays is None:
        return None
    return BusinessHours(timezone, weekly, holidays, switch)


def _timezone(scope: Scope, node: yaml.Node, where: str) -> str | None:
    name = scope.reader.text(node, f"{where} 'timezone'")
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        scope.error(node, f"{where}: unknown time zone '{name}' (e.g. America/Chicago)")
        return None
    return name


def _windows(scope: Scope, node: yaml.Node, where: str) -> tuple[Window, ...] | None:
    items = scope.reader.sequence(node, f"{where} 'weekly'")
    if items is None:
        return None
    if not items:
        scope.error(
            node, f"{where}: 'weekly' needs at least one window such as 'mon-fri 08:00-20:00'"
        )
        return None
    windows: list[Window] = []
    for item in items:
        text = scope.reader.text(item, f"{where} 'weekly'")
        if text is None:
            continue
        try:
            windows.append(parse_window(text))
        except ValueError as exc:
            scope.error(item, f"{where}: {exc}")
    return tuple(windows) if len(windows) == len(items) else None


def _holidays(scope: Scope, node: yaml.Node, where: str) -> frozenset[date] | None:
    items = scope.reader.sequence(node, f"{where} 'holidays'")
    if items is None:
        return None
    days: set[date] = set()
    for item in items:
        value = scope.reader.value(item)
        try:
            days.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            scope.error(item, f"{where}: bad date '{value}': expected YYYY-MM-DD")
    return frozenset(days) if len(days) == len(items) else None


def _regex(scope: Scope, node: yaml.Node, where: str) -> re.Pattern[str] | None:
    text = scope.reader.text(node, where)
    if text is None:
        return None
    try:
        with warnings.catch_warnings():
            # Hints such as "possible nested set" are not mistakes in the flow file.
            warnings.simplefilter("ignore")
            return re.compile(text)
    except re.error as exc:
        scope.error(node, f"{where}: bad regex '{text}': {exc}")
        return None


def validation(scope: Scope, node: yaml.Node, where: str) -> Validation | None:
    """``{pattern: '^[0-9]{8}$', min_length: 8, max_length: 8}`` for a collected value."""
    where = f"{where} validate"
    keys = ["pattern", "min_length", "max_length"]
    fields = scope.reader.fields(node, where, optional=keys)
    if fields is None:
        return None
    pattern = None
    if "pattern" in fields:
        pattern = _regex(scope, fields["pattern"], where)
    low = high = None
    if "min_length" in fields:
        low = scope.reader.integer(
            fields["min_length"], f"{where} 'min_length'", 1, MAX_VALUE_LENGTH
        )
    if "max_length" in fields:
        high = scope.reader.integer(
            fields["max_length"], f"{where} 'max_length'", 1, MAX_VALUE_LENGTH
        )
    if low is not None and high is not None and low > high:
        scope.error(node, f"{where}: min_length {low} is more than max_length {high}")
    return Validation(pattern=pattern, min_length=low, max_length=high)
