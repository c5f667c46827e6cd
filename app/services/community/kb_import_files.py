"""Reading Q&A files: CSV (``question,answer[,tags]``) or JSON Lines, with line numbers.

Rows come out as ``QARow`` or ``RowError``, never an exception for one bad row: a file is
worth importing even when a few of its rows are not.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = ("question", "answer", "tags")
_TAG_SPLIT = re.compile(r"[;,|]")


class QAFileError(ValueError):
    """A file that cannot be read at all."""


@dataclass(frozen=True)
class QARow:
    """One question and its answer, from line ``line`` of the file."""

    line: int
    question: str
    answer: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    """A row that was not imported, and why."""

    line: int
    reason: str


def read_qa_file(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark allowed)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QAFileError("no such file") from None
    except UnicodeDecodeError:
        raise QAFileError("not UTF-8 text") from None
    except OSError as exc:
        raise QAFileError(f"cannot read the file: {exc.strerror}") from None


def is_json_lines(path: Path, data: str) -> bool:
    """JSON Lines by its name (.jsonl, .ndjson) or by its first character."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    return path.suffix.lower() != ".csv" and data.lstrip().startswith("{")


def count_rows(data: str) -> int:
    """Lines that may hold a row, for a progress bar."""
    return sum(1 for line in data.splitlines() if line.strip())


def parse_rows(path: Path, data: str) -> Iterator[QARow | RowError]:
    """Every row of the file, read as CSV or JSON Lines."""
    return _json_rows(data) if is_json_lines(path, data) else _csv_rows(data)


def _json_rows(data: str) -> Iterator[QARow | RowError]:
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowError(number, f"not JSON: {exc.msg}")
            continue
        if not isinstance(value, dict):
            yield RowError(number, 'not a JSON object like {"question": ..., "answer": ...}')
            continue
        yield _row(number, value.get("question"), value.get("answer"), value.get("tags"))


def _csv_rows(data: str) -> Iterator[QARow | RowError]:
    reader = csv.reader(io.StringIO(data, newline=""))
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in fields):
                continue
            if line == 1 and tuple(c.strip().lower() for c in fields[:2]) == HEADER[:2]:
                continue
            if len(fields) not in (2, 3):
                yield RowError(line, f"expected question,answer[,tags], got {len(fields)} fields")
                continue
            yield _row(line, *fields)
    except csv.Error as exc:
        yield RowError(start, f"cannot read CSV: {exc}")


def _row(line: int, question: object, answer: object, tags: object = None) -> QARow | RowError:
    if not isinstance(question, str) or not question.strip():
        return RowError(line, "the question is missing")
    if not isinstance(answer, str) or not answer.strip():
        return RowError(line, "the answer is missing")
    if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
        tag_list = tuple(tags)
    elif isinstance(tags, str) or tags is None:
        tag_list = tuple(t for t in _TAG_SPLIT.split(tags or "") if t.strip())
    else:
        return RowError(line, "tags must be text or a list of text")
    return QARow(line, question.strip(), answer.strip(), tag_list)
