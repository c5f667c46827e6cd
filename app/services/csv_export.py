"""The one way out to CSV: every export goes through here, so no cell runs as a formula.

Spreadsheets (Excel, LibreOffice Calc, Google Sheets) take a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return for a formula, which can fetch URLs or run
commands on the machine of whoever opens the file (OWASP: CSV injection). As OWASP advises,
such a text is written with a single quote in front, which spreadsheets read as "this is text".

So that reading a cell back gives exactly the text written, a text that already starts with
quotes before such a character gets one more quote, and ``unescape_cell`` takes one off.
Numbers are written as numbers: a number is no formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain
from typing import TextIO

# Quotes (our escape) before a character that starts a formula.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: a quote in front if it could start a formula."""
    return "'" + text if FORMULA_START.match(text) else text


def unescape_cell(cell: str) -> str:
    """The text ``escape_cell`` was given: one quote off a cell it escaped."""
    return cell[1:] if cell.startswith("'") and FORMULA_START.match(cell, 1) else cell


def csv_cell(value: object) -> str:
    """One value as a safe cell: blank for None, numbers as they are, text escaped."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        return str(value)
    return escape_cell(str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text of a header and rows, one record at a time (CRLF ends, as RFC 4180 has)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in chain([header], rows):
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows to ``stream`` (opened with ``newline=""``); the rows written."""
    lines = 0
    for line in csv_lines(header, rows):
        stream.write(line)
        lines += 1
    return lines - 1  # the header is no row
