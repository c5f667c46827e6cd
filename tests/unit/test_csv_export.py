"""The CSV writer every export goes through: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from app.services.csv_export import csv_cell, csv_lines, escape_cell, unescape_cell, write_csv


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+12025550143", "-2+3", "@SUM(A1)", "\tx", "\r=1", "'=1", "''+x", "=", "-"],
)
def test_a_text_that_could_start_a_formula_gets_a_quote_in_front(text: str) -> None:
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ana", "", "'", "'Ana", "O'Brien", "a=b", " =1", "\n=1", "1-2"])
def test_a_text_that_starts_no_formula_is_written_as_it_is(text: str) -> None:
    assert escape_cell(text) == text


@pytest.mark.parametrize(
    "text", ["=1+1", "'=1+1", "''=1", "'", "''", "'Ana", "Ana", "", "+1", "'+1", "-", "'-"]
)
def test_reading_an_escaped_cell_gives_back_the_text(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), (Decimal("-5.00"), "-5.00"), (-3, "-3"), (1.5, "1.5"), (True, "True")],
)
def test_numbers_are_written_as_numbers_and_none_as_a_blank(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_lines_are_quoted_where_csv_needs_it_and_end_in_crlf() -> None:
    lines = list(csv_lines(["name", "note"], [['Ana "A", Jr', "two\nlines"], ["=x", None]]))

    assert lines == ["name,note\r\n", '"Ana ""A"", Jr","two\nlines"\r\n', "'=x,\r\n"]


def test_write_csv_counts_the_rows_and_the_file_reads_back() -> None:
    stream = io.StringIO(newline="")

    written = write_csv(stream, ["a", "b"], [["=1", 2], ["x,y", "-z"]])

    assert written == 2
    rows = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert [[unescape_cell(cell) for cell in row] for row in rows] == [
        ["a", "b"],
        ["=1", "2"],
        ["x,y", "-z"],
    ]
