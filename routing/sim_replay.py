"""Recorded interactions to replay: CSV with a header row, or JSON Lines, one contact each.

Fields (CSV columns or JSON keys); only ``arrived_at`` and ``handle_seconds`` are required:

- ``arrived_at``: epoch seconds, or an ISO 8601 time (UTC when it names no zone);
- ``handle_seconds``: how long an agent spent on the contact (talk, hold, wrap-up);
- ``id``, ``queue`` (default ``general``), ``tier`` (empty: unknown caller);
- ``patience_seconds``: when the caller would hang up (empty: never);
- ``lifetime_value``, ``contacts_24h``, ``contacts_7d``, ``open_cases`` (a count),
  ``last_outcome``, ``last_agent_id`` and ``last_contact_at`` (a time, as ``arrived_at``).

Every problem is reported as ``file:line: message``, all of them at once.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from routing.model import History
from routing.sim_model import DEFAULT_QUEUE, Arrival, SimulationError

MAX_PROBLEMS_SHOWN = 20
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
Row = Mapping[str, object]
_T = TypeVar("_T")


class ReplayError(SimulationError):
    """A replay file that cannot be read; ``problems`` lists ``file:line: message``."""


def load_replay(path: str | Path) -> tuple[Arrival, ...]:
    """Read recorded contacts from a CSV or JSON Lines file, in order of arrival."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReplayError(f"cannot read replay file {path}", [f"{path}:1: {exc}"]) from None
    json_lines = path.suffix.lower() in JSON_SUFFIXES or text.lstrip().startswith("{")
    return parse_replay(text, source=str(path), json_lines=json_lines)


def parse_replay(text: str, *, source: str = "<replay>", json_lines: bool) -> tuple[Arrival, ...]:
    """Parse recorded contacts from CSV (with a header) or JSON Lines text."""
    problems: list[str] = []
    arrivals: list[Arrival] = []
    seen: set[str] = set()
    for line, row in (_json_rows if json_lines else _csv_rows)(text, source, problems):
        arrival = _arrival(row, line, f"{source}:{line}", problems)
        if arrival is not None and arrival.id in seen:
            problems.append(f"{source}:{line}: id {arrival.id!r} appears twice")
        elif arrival is not None:
            seen.add(arrival.id)
            arrivals.append(arrival)
    if not arrivals and not problems:
        problems.append(f"{source}:1: no recorded contacts")
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        raise ReplayError(f"{source}: {len(problems)} problem(s)", shown)
    return tuple(sorted(arrivals, key=lambda arrival: (arrival.arrived_at, arrival.id)))


def _csv_rows(text: str, source: str, problems: list[str]) -> Iterator[tuple[int, Row]]:
    """(line, row) for each CSV record; blank values are left out."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in _FIELDS]
    if unknown:
        problems.append(f"{source}:1: unknown column(s) {', '.join(unknown)} {_EXPECTED}")
        return
    for row in reader:
        if None in row:
            problems.append(f"{source}:{reader.line_num}: more values than columns")
            continue
        yield reader.line_num, {key: value for key, value in row.items() if value not in ("", None)}


def _json_rows(text: str, source: str, problems: list[str]) -> Iterator[tuple[int, Row]]:
    """(line, object) for each non-blank JSON line; null values are left out."""
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{source}:{line}: not valid JSON: {exc.msg}")
            continue
        if not isinstance(row, dict):
            problems.append(f"{source}:{line}: expected a JSON object, one per line")
            continue
        unknown = [key for key in row if key not in _FIELDS]
        if unknown:
            problems.append(f"{source}:{line}: unknown key(s) {', '.join(unknown)} {_EXPECTED}")
            continue
        yield line, {key: value for key, value in row.items() if value is not None}


def _arrival(row: Row, line: int, where: str, problems: list[str]) -> Arrival | None:
    """The arrival a row describes, or None after noting each of its problems."""
    field = _Fields(row, where, problems)
    before = len(problems)
    last_24h = field.count("contacts_24h")
    history = History(
        contacts_24h=last_24h,
        contacts_7d=max(last_24h, field.count("contacts_7d")),
        open_cases=tuple(range(1, field.count("open_cases") + 1)),
        last_outcome=field.text("last_outcome"),
        last_agent_id=field.text("last_agent_id"),
        last_contact_at=field.time("last_contact_at"),
    )
    arrived_at = field.time("arrived_at", required=True)
    handle_seconds = field.number("handle_seconds", required=True)
    arrival = Arrival(
        id=field.text("id") or f"line-{line}",
        arrived_at=arrived_at or 0.0,
        handle_seconds=handle_seconds or 0.0,
        queue=field.text("queue") or DEFAULT_QUEUE,
        tier=field.text("tier"),
        lifetime_value=field.number("lifetime_value") or 0.0,
        history=history,
        patience_seconds=field.number("patience_seconds", above=True),
    )
    return arrival if len(problems) == before else None


class _Fields:
    """Typed values of one row; each bad or missing one is noted as ``file:line: message``."""

    def __init__(self, row: Row, where: str, problems: list[str]) -> None:
        self.row = row
        self.where = where
        self.problems = problems

    def number(self, name: str, *, required: bool = False, above: bool = False) -> float | None:
        """A number of at least 0 (above 0 if ``above``); None when absent."""
        return self._read(name, lambda raw: _number(raw, above=above), required)

    def time(self, name: str, *, required: bool = False) -> float | None:
        """Epoch seconds; None when absent."""
        return self._read(name, _time, required)

    def count(self, name: str) -> int:
        """A whole number of at least 0; 0 when absent."""
        return self._read(name, _count, False) or 0

    def text(self, name: str) -> str | None:
        """A non-blank name; None when absent."""
        return self._read(name, _text, False)

    def _read(self, name: str, parse: Callable[[object], _T], required: bool) -> _T | None:
        if name not in self.row:
            if required:
                self.problems.append(f"{self.where}: {name} is missing")
            return None
        try:
            return parse(self.row[name])
        except ValueError as exc:
            self.problems.append(f"{self.where}: {name}: {exc}")
            return None


def _number(raw: object, *, low: float = 0.0, above: bool = False) -> float:
    """A finite number of at least ``low`` (above it, if ``above``)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"not a number: {raw!r}")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if not math.isfinite(value) or value < low or (above and value == low):
        bound = "more than" if above else "at least"
        raise ValueError(f"must be a finite number {bound} {low:g}, not {raw!r}")
    return value


def _time(raw: object) -> float:
    """Epoch seconds, or an ISO 8601 time (UTC if it names no zone)."""
    if isinstance(raw, str) and not _is_number(raw):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"not epoch seconds or an ISO 8601 time: {raw!r}") from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return _number(raw)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count(raw: object) -> int:
    value = _number(raw)
    if not value.is_integer():
        raise ValueError(f"must be a whole number, not {raw!r}")
    return int(value)


def _text(raw: object) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool) or not str(raw).strip():
        raise ValueError(f"must be a name, not {raw!r}")
    return str(raw).strip()


_FIELDS = (
    "id",
    "arrived_at",
    "handle_seconds",
    "queue",
    "tier",
    "patience_seconds",
    "lifetime_value",
    "contacts_24h",
    "contacts_7d",
    "open_cases",
    "last_outcome",
    "last_agent_id",
    "last_contact_at",
)
_EXPECTED = f"(expected: {', '.join(_FIELDS)})"
