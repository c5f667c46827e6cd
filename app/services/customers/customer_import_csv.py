"""Reading a CSV file record by record, by its physical lines, so one bad row hides no other.

Python's csv module, given a quote that is never closed, reads the rest of the file into one
field. Here each record knows the lines it spans; a record that cannot be read is reported on
its first line and reading goes on at the line after it.

A quoted field may run over line ends (a spreadsheet cell with line breaks). Such a record is
taken as written only if its quote closes within ``MAX_RECORD_LINES`` lines, the row ends
right after it, the row has the header's number of fields, and no line after its first, the
one where the quote closes included, reads as a row of its own. Otherwise the quote is taken
as unclosed: the record's first line is reported and the lines after it are read as rows. So
every line is read as a row, or as part of one, and none disappears into a neighbour's cell.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.services.customers.customer_import_fields import TRIMMED

MAX_RECORD_LINES = 10
LINE_END = re.compile(rb"\r\n|\r|\n")
# UTF-32-LE's mark begins as UTF-16-LE's does.
WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
NOT_UTF8 = "not UTF-8 text: byte 0x{byte:02X} at position {position}{where} cannot be read"
SAVE_AS = "; save the file as CSV UTF-8"


class ImportFileError(Exception):
    """The file as a whole cannot be imported: unreadable, empty or missing a column."""


@dataclass(frozen=True, slots=True)
class Record:
    """One record: its first and last physical line (from 1) and its cells, or its problem."""

    line: int
    last_line: int
    cells: tuple[str, ...] = ()
    problem: str = ""


@dataclass(frozen=True, slots=True)
class CsvLines:
    """A file's physical lines, each decoded alone; undecodable ones noted by index."""

    text: list[str]
    undecodable: dict[int, tuple[int, int]]  # line index -> (byte, position from 1)

    def __len__(self) -> int:
        return len(self.text)


class _StrayQuote(ValueError):
    """Text follows the closing quote of a field: ``args[0]`` is the field's index."""


class _Unclosed(ValueError):
    """A quoted field taken as never closed: ``args`` are its index and the verdict."""


def split_lines(data: bytes) -> CsvLines:
    """The physical lines of ``data`` (CRLF, LF or CR ends), a UTF-8 byte-order mark dropped."""
    if data.startswith(WIDE_BOMS):
        raise ImportFileError("the file is UTF-16 or UTF-32 text" + SAVE_AS)
    raw = LINE_END.split(data.removeprefix(codecs.BOM_UTF8))
    if raw[-1] == b"":
        raw.pop()  # the end of the last line starts no line
    text: list[str] = []
    undecodable: dict[int, tuple[int, int]] = {}
    for index, line in enumerate(raw):
        try:
            text.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            # Bad bytes never hide quotes or commas, so the replaced text keeps the structure.
            text.append(line.decode("utf-8", "replace"))
            undecodable[index] = (line[exc.start], exc.start + 1)
    return CsvLines(text, undecodable)


def count_lines(data: bytes) -> int:
    """How many physical lines ``data`` has, cheaply, for a progress bar."""
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends + (0 if not data or data.endswith((b"\n", b"\r")) else 1)


def read_records(
    lines: CsvLines, start: int = 0, columns: Sequence[str] | None = None
) -> Iterator[Record]:
    """The non-blank records from line index ``start`` on; ``columns`` is the header, if read."""
    index = start
    while index < len(lines):
        record = read_record(lines, index, columns)
        index = record.last_line  # the index of the line after it
        if record.problem or not is_blank(record.cells):
            yield record


def is_blank(cells: Sequence[str]) -> bool:
    """Whether a record holds only whitespace, and no control character Python counts as such."""
    # A line of vertical tabs or file separators is no blank row to skip: it is reported.
    return not any(cell.strip(TRIMMED) for cell in cells)


def read_record(lines: CsvLines, index: int, columns: Sequence[str] | None = None) -> Record:
    """The record that starts at line ``index``; an unclosed quote makes it one line long."""
    try:
        return _read_record(lines, index, columns)
    except _Unclosed as exc:
        field, verdict = exc.args
        problem = f"the quote that opens {_field(columns, field)} {verdict}"
        return Record(index + 1, index + 1, problem=problem)


def _read_record(lines: CsvLines, index: int, columns: Sequence[str] | None) -> Record:
    cells: list[str] = []
    open_cell: list[str] | None = None
    opened = 0  # the field whose quote runs past a line end
    not_closed = "is not closed on this line: "
    last = min(index + MAX_RECORD_LINES, len(lines))
    for at in range(index, last):
        try:
            open_cell = _scan(lines.text[at], cells, open_cell)
        except _StrayQuote as exc:
            if at == index:
                problem = f"text follows the closing quote of {_field(columns, exc.args[0])}"
                return Record(index + 1, at + 1, problem=problem + '; write a quote as ""')
            why = f"where it closes, on line {at + 1}, text follows the quote"
            raise _Unclosed(opened, not_closed + why) from None
        if at == index:
            if open_cell is None:
                return _finish(lines, index, at, cells, columns)
            opened = len(cells)
        # The line where the quote closes too: a quote closing a line that is a row by itself
        # (an inch mark, say) cannot be told from a quote left open, so neither line is joined.
        elif columns and _reads_as_row(lines.text[at], len(columns)):
            raise _Unclosed(opened, f"{not_closed}line {at + 1} reads as a row of its own")
        elif open_cell is None:
            if columns and len(cells) != len(columns):
                why = f"closed on line {at + 1}, the row has {_fields(len(cells))}"
                raise _Unclosed(opened, f"{not_closed}{why}, not {len(columns)}")
            return _finish(lines, index, at, cells, columns)
        open_cell.append("\n")
    if last == len(lines):
        raise _Unclosed(opened, "is never closed")
    raise _Unclosed(opened, f"is not closed within {MAX_RECORD_LINES} lines")


def _scan(line: str, cells: list[str], open_cell: list[str] | None) -> list[str] | None:
    """Add the line's fields to ``cells``; the pieces of a quoted field left open, if any."""
    position = 0
    if open_cell is not None:
        position = _quoted(line, position, open_cell)
        if position < 0:
            return open_cell
        cells.append("".join(open_cell))
        if not _field_ends(line, position, len(cells) - 1):
            return None
        position += 1
    elif '"' not in line:
        cells.extend(line.split(","))  # the common case, at the speed of str.split
        return None
    while True:
        if line.startswith('"', position):
            pieces: list[str] = []
            position = _quoted(line, position + 1, pieces)
            if position < 0:
                return pieces
            cells.append("".join(pieces))
            if not _field_ends(line, position, len(cells) - 1):
                return None
        else:
            comma = line.find(",", position)
            cells.append(line[position:] if comma < 0 else line[position:comma])
            if comma < 0:
                return None
            position = comma
        position += 1


def _quoted(line: str, position: int, pieces: list[str]) -> int:
    """Read a quoted field's text into ``pieces``; the index after its closing quote, or -1."""
    while True:
        quote = line.find('"', position)
        if quote < 0:
            pieces.append(line[position:])
            return -1
        pieces.append(line[position:quote])
        if not line.startswith('"', quote + 1):
            return quote + 1
        pieces.append('"')  # "" stands for one quote
        position = quote + 2


def _field_ends(line: str, position: int, field: int) -> bool:
    """Whether the line goes on after a closing quote; raises if not with a comma."""
    if position == len(line):
        return False
    if line[position] != ",":
        raise _StrayQuote(field)
    return True


def _reads_as_row(line: str, width: int) -> bool:
    """Whether the line alone is a complete record of ``width`` fields."""
    cells: list[str] = []
    try:
        return _scan(line, cells, None) is None and len(cells) == width
    except _StrayQuote:
        return False


def _finish(
    lines: CsvLines, index: int, at: int, cells: list[str], columns: Sequence[str] | None
) -> Record:
    """The record from ``index`` to ``at``, or why it cannot be used."""
    if columns and len(cells) != len(columns) and not is_blank(cells):
        problem = f"row has {_fields(len(cells))} but the header has {len(columns)}"
        return Record(index + 1, at + 1, problem=problem)
    for bad in range(index, at + 1):
        if bad in lines.undecodable:
            byte, position = lines.undecodable[bad]
            where = "" if bad == index else f" of line {bad + 1}"
            problem = NOT_UTF8.format(byte=byte, position=position, where=where) + SAVE_AS
            return Record(index + 1, at + 1, problem=problem)
    return Record(index + 1, at + 1, tuple(cells))


def _field(columns: Sequence[str] | None, index: int) -> str:
    """A field as a person names it: by its column, else by its place."""
    if columns and index < len(columns) and columns[index]:
        return f"the {columns[index]} field"
    return f"field {index + 1}"


def _fields(count: int) -> str:
    return f"{count} field" if count == 1 else f"{count} fields"
