"""Importing customers from CSV: upsert by phone in batches, consent appended only on change.

Rules the CLI documents:
- a blank or missing optional column leaves an existing customer's value alone (new
  customers get the default); blank consent means "no change";
- a phone that appears again later in the same file is rejected there (the first row is
  imported), so a file imports the same way every time;
- re-running a file changes nothing: unchanged customers are not written at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app.services.customers.customer_import_batch import ImportReport, RowError, write_batch
from app.services.customers.customer_import_csv import (
    CsvLines,
    ImportFileError,
    Record,
    count_lines,
    read_records,
    split_lines,
)
from app.services.customers.customer_import_rows import (
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
# What the database says about a row's data; anything else (a lost connection) is no row's fault.
REFUSED = (DataError, IntegrityError)


def read_customer_file(path: Path) -> bytes:
    """The bytes of a CSV file; they are decoded line by line as they are read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read the file: {exc.strerror}") from None


def count_data_lines(data: bytes) -> int:
    """The number of physical lines after the header, for a progress bar."""
    return max(count_lines(data) - 1, 0)


def import_customers(
    session: Session,
    data: bytes | str,
    *,
    region: str,
    source: str = "",
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Upsert the customers of a CSV file by phone, committing every ``batch_size`` rows."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    lines = split_lines(data)
    header, first_line = _read_header(lines)
    importer = _Importer(session, region, source, on_progress, batch_size)
    importer.report.ignored_columns = header.ignored
    importer.progress_line = importer.read_line = first_line
    importer.run(header, read_records(lines, first_line, header.columns), len(lines))
    importer.report.errors.sort(key=lambda error: error.line)
    return importer.report


def _read_header(lines: CsvLines) -> tuple[Header, int]:
    """The header (the first record that is not blank) and the index of the line after it."""
    record = next(read_records(lines), None)
    if record is None:
        raise ImportFileError("the file is empty; expected a header row with phone and name")
    if record.problem:
        raise ImportFileError(f"the header row on line {record.line}: {record.problem}")
    if record.last_line > record.line:
        # No column's name has a line break, and the lines a header took in would be lost.
        where = f"the header row on line {record.line} runs on to line {record.last_line}"
        raise ImportFileError(f"{where}: a quote in it is not closed on its line")
    try:
        return read_header(record.cells), record.last_line
    except HeaderError as exc:
        raise ImportFileError(str(exc)) from None


class _Importer:
    """One run over a file: validates rows, rejects duplicates, writes in batches."""

    def __init__(
        self,
        session: Session,
        region: str,
        source: str,
        on_progress: Callable[[int], None] | None,
        batch_size: int,
    ) -> None:
        self.session, self.region, self.source = session, region, source
        self.on_progress, self.batch_size = on_progress, batch_size
        self.report = ImportReport()
        self.pending: list[CustomerRow] = []
        self.phone_lines: dict[str, int] = {}
        self.account_owners: dict[str, int] = {}
        self.progress_line = self.read_line = 0  # physical lines reported, and read

    def run(self, header: Header, records: Iterator[Record], last_line: int) -> None:
        """Read every record, writing a batch whenever enough valid rows are waiting."""
        for record in records:
            self.read_line = max(self.read_line, record.last_line)
            try:
                if record.problem:
                    raise RowInvalid([record.problem])
                self.accept(parse_row(header, record.cells, record.line, self.region))
            except RowInvalid as exc:
                self.report.errors.append(RowError(record.line, str(exc)))
            if len(self.pending) >= self.batch_size:
                self.flush()
        self.read_line = last_line  # blank lines at the end are read too
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
            self.write(rows)
        if self.on_progress is not None:
            self.on_progress(self.read_line - self.progress_line)
        self.progress_line = self.read_line

    def write(self, rows: list[CustomerRow]) -> None:
        """Commit the rows as one batch; if the database refuses it, commit them one by one."""
        try:
            self.commit(rows)
            return
        except REFUSED:
            self.session.rollback()
        for row in rows:
            try:
                self.commit([row])
            except REFUSED as exc:
                self.session.rollback()
                reason = str(exc.orig).strip().splitlines()[0]  # the rest may repeat the row
                self.report.errors.append(
                    RowError(row.line, f"the database refused the row: {reason}")
                )

    def commit(self, rows: list[CustomerRow]) -> None:
        """Write and commit the rows; the report counts them only once they are committed."""
        written = ImportReport()
        write_batch(self.session, rows, written, self.source)
        self.session.commit()
        self.report.add(written)


def _refusal(exc: DataError | IntegrityError) -> str:
    """Why the database refused a row: the first line of its message (the rest may hold data)."""
    lines = str(exc.orig).strip().splitlines()
    return f"the database refused the row: {lines[0] if lines else type(exc.orig).__name__}"
