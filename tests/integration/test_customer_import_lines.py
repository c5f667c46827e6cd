"""``helpline customers import`` over generated files: no line after the header is ever lost.

A line that reads as a row of its own must be imported as that row or reported on its number.
Other lines can only be parts of rows spanning lines (a quoted cell with line breaks), so each
run of them must hold a line reported, or the phone of a row imported. The files mix good rows
with stray, unclosed and doubled quotes, inch marks, commas, blank lines and whitespace a
spreadsheet cannot show.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskCliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from app.extensions import db
from app.models import Account, ConsentEvent, Customer
from tests.integration.customer_files import reported, run_import, stored, write_bytes

# Each header, and the place of its phone column.
HEADERS = {"phone,name": 0, "phone,name,region": 0, "Name,Phone,Notes,Region": 1}
# Cells: plain, quoted, a quote opened or closed and left so, an inch mark, a stray quote, a
# comma too many, and whitespace a spreadsheet cannot show.
CELLS = ["", "Ana", "Bob Lee", '"Ana', 'Lee"', '12"', '"x, y"', '"say ""hi"""', '"a"b', '"']
CELLS += ["a,b", " ", "\x0b", "\u3000"]
# A line of only these carries no value: blank (the ideographic space is whitespace, where the
# vertical tab is a control) or a lone quote.
EMPTY = ' \t,"\u3000'


@dataclass(frozen=True)
class CustomerFile:
    """A generated file: its header, its data lines, the phone each line carries, its line end."""

    header: str
    lines: list[str]
    phones: list[str | None]
    end: str

    def data(self) -> bytes:
        return self.end.join([self.header, *self.lines, ""]).encode()


@st.composite
def customer_files(draw: st.DrawFn) -> CustomerFile:
    """A header and up to 12 lines of about its width, most with a phone of their own."""
    header = draw(st.sampled_from(sorted(HEADERS)))
    width, at = header.count(",") + 1, HEADERS[header]
    lines: list[str] = []
    phones: list[str | None] = []
    for number in range(101, 101 + draw(st.integers(1, 12))):
        size = draw(st.sampled_from([width - 1, width - 1, width - 2, width]))
        cells = [draw(st.sampled_from(CELLS)) for _ in range(size)]
        phone = draw(st.sampled_from([f"+1202555{number:04d}", None]))
        cells.insert(min(at, len(cells)), phone or draw(st.sampled_from(CELLS)))
        lines.append(",".join(cells))
        phones.append(phone)
    return CustomerFile(header, lines, phones, draw(st.sampled_from(["\n", "\r\n", "\r"])))


def reads_as_row(line: str, width: int) -> bool:
    """Whether ``line`` alone is a record of ``width`` fields, as Python's strict csv reads it."""
    try:
        records = list(csv.reader([line], strict=True))
    except csv.Error:
        return False
    return len(records) == 1 and len(records[0]) == width


def groups(file: CustomerFile) -> Iterator[list[tuple[int, str, str | None]]]:
    """The data lines (number, text, phone) in the groups rows can span: a line that reads as a
    row alone, or a run of lines that do not (a quoted cell with line breaks joins only those)."""
    width = file.header.count(",") + 1
    run: list[tuple[int, str, str | None]] = []
    for line in zip(range(2, len(file.lines) + 2), file.lines, file.phones, strict=True):
        if not reads_as_row(line[1], width):
            run.append(line)
            continue
        if run:
            yield run
        run = []
        yield [line]
    if run:
        yield run


def lost_lines(file: CustomerFile, named: set[int], imported: set[str]) -> list[int]:
    """The numbers of the lines with a value in no imported row and no reported one."""
    lost: list[int] = []
    for group in groups(file):
        if not any(number in named or phone in imported for number, _, phone in group):
            lost.extend(number for number, text, _ in group if text.strip(EMPTY))
    return lost


def forget_customers() -> None:
    """Empty the customer tables between generated files (the database is the test's own)."""
    for model in (ConsentEvent, Account, Customer):
        db.session.execute(delete(model))
    db.session.commit()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(file=customer_files())
def test_every_line_after_the_header_is_imported_or_reported_or_inside_a_row_that_is(
    runner: FlaskCliRunner, tmp_path: Path, file: CustomerFile
) -> None:
    path = write_bytes(tmp_path, file.data())

    result = run_import(runner, path)

    named = {int(error.split(":")[0]) for error in reported(result, path)}
    imported = set(stored())
    forget_customers()
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert lost_lines(file, named, imported) == []
