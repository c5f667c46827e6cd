"""Importing customers from CSV: upsert by phone in batches, consent appended only on change.

Rules the CLI documents:
- a blank or missing optional column leaves an existing customer's value alone (new
  customers get the default); blank consent means "no change";
- a phone that appears again later in the same file is rejected there (the first row is
  imported), so a file imports the same way every time;
- re-running a file changes nothing: unchanged customers are not written at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.services.customer_import_batch import ImportReport, RowError, write_batch
from app.services.customer_import_rows import (
    CustomerRow,
    Header,
    HeaderError,
    RowInvalid,
    parse_row,
    read_header,
)

__all__ = [
    "ImportFileError",
    "ImportReport",
    "RowError",
    "count_data_lines",
    "import_customers",
    "read_customer_file",
]

BATCH_SIZE = 500


class ImportFileError(Exception):
    """The file as a whole cannot be imported: unreadable, empty or missing a column."""


def read_customer_file(path: Path) -> str:
    """The text of a UTF-8 CSV file (a byte-order mark is dropped)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"not UTF-8 text (bad byte at offset {exc.start}); save the file as CSV UTF-8"
        ) from None
    except OSError as exc:
        raise ImportFileError(f"cannot read the file: {exc.strerror}") from None


def count_data_lines(text: str) -> int:
    """The number of physical lines after the header, for a progress bar."""
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return max(lines - 1, 0)


def import_customers(
    session: Session,
    text: str,
    *,
    region: str,
    source: str = "",
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Upsert the customers of a CSV text by phone, committing every ``batch_size`` rows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _read_header(reader)
    importer = _Importer(session, reader, region, source, on_progress, batch_size)
    importer.report.ignored_columns = header.ignored
    importer.run(header)
    importer.report.errors.sort(key=lambda error: error.line)
    return importer.report


def _read_header(reader: Iterator[list[str]]) -> Header:
    try:
        cells = next(reader, None)
    except csv.Error as exc:
        raise ImportFileError(f"the header row is not valid CSV: {exc}") from None
    if not cells:
        raise ImportFileError("the file is empty; expected a header row with phone and name")
    try:
        return read_header(cells)
    except HeaderError as exc:
        raise ImportFileError(str(exc)) from None


def _records(reader: Any, errors: list[RowError]) -> Iterator[tuple[int, list[str]]]:
    """Data records with the line each starts on; malformed CSV becomes a row error."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(start, f"malformed CSV: {exc}"))
            continue
        if any(cell.strip() for cell in cells):
            yield start, cells


class _Importer:
    """One run over a file: validates rows, rejects duplicates, writes in batches."""

    def __init__(
        self,
        session: Session,
        reader: Any,
        region: str,
        source: str,
        on_progress: Callable[[int], None] | None,
        batch_size: int,
    ) -> None:
        self.session, self.reader, self.region, self.source = session, reader, region, source
        self.on_progress, self.batch_size = on_progress, batch_size
        self.report = ImportReport()
        self.pending: list[CustomerRow] = []
        self.phone_lines: dict[str, int] = {}
        self.account_owners: dict[str, int] = {}
        self.progress_line = reader.line_num

    def run(self, header: Header) -> None:
        """Read every record, writing a batch whenever enough valid rows are waiting."""
        for line, cells in _records(self.reader, self.report.errors):
            try:
                self.accept(parse_row(header, cells, line, self.region))
            except RowInvalid as exc:
                self.report.errors.append(RowError(line, str(exc)))
            if len(self.pending) >= self.batch_size:
                self.flush()
        self.flush()

    def accept(self, row: CustomerRow) -> None:
        """Queue a valid row unless its phone or an account was already seen in this file."""
        first = self.phone_lines.get(row.phone)
        if first is not None:
            raise RowInvalid([f"phone {row.phone} already appears on line {first}; row skipped"])
        for _, number in row.accounts:
            if number in self.account_owners:
                line = self.account_owners[number]
                raise RowInvalid([f"account {number} is already listed on line {line}"])
        self.phone_lines[row.phone] = row.line
        self.account_owners.update((number, row.line) for _, number in row.accounts)
        self.pending.append(row)

    def flush(self) -> None:
        """Write the waiting rows and commit them."""
        rows, self.pending = self.pending, []
        if rows:
            write_batch(self.session, rows, self.report, self.source)
            self.session.commit()
        if self.on_progress is not None:
            self.on_progress(self.reader.line_num - self.progress_line)
        self.progress_line = self.reader.line_num
