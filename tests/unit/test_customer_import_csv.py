"""Reading CSV records by physical lines: where each record starts and ends, and why not."""

from __future__ import annotations

import pytest

from app.services.customers.customer_import_csv import (
    ImportFileError,
    count_lines,
    read_record,
    read_records,
    split_lines,
)

COLUMNS = ("phone", "name", "region")


def records(text: str, columns: tuple[str, ...] | None = COLUMNS) -> list[tuple[int, object]]:
    """(first line, cells or problem) of each record of ``text``."""
    lines = split_lines(text.encode())
    return [(r.line, r.problem or r.cells) for r in read_records(lines, 0, columns)]


@pytest.mark.parametrize(
    ("data", "count"),
    [(b"", 0), (b"a", 1), (b"a\n", 1), (b"a\r\nb", 2), (b"a\rb\r", 2), (b"a\n\n", 2)],
)
def test_lines_end_at_lf_crlf_or_cr_and_the_count_agrees(data: bytes, count: int) -> None:
    assert len(split_lines(data)) == count
    assert count_lines(data) == count


def test_only_cr_and_lf_end_lines_not_the_other_unicode_line_breaks() -> None:
    text = "a\x0bb,c\x1cd,e\u2028f\x85g\n"

    assert records(text) == [(1, ("a\x0bb", "c\x1cd", "e\u2028f\x85g"))]


def test_quoted_fields_keep_commas_doubled_quotes_and_line_breaks() -> None:
    text = '"+1 202, ext","say ""hi""",""\nc,"a\r\nb",d\n'

    assert records(text) == [(1, ("+1 202, ext", 'say "hi"', "")), (2, ("c", "a\nb", "d"))]


@pytest.mark.parametrize(
    "text",
    ['x,"a\nb,c,d"\n', 'x,"a\nb,c",d\n', '"a\nb",c,d\n', 'x,"a\nb\nc,d,e"\n'],
    ids=["at-its-end", "mid-line", "in-the-first-field", "after-a-line-inside"],
)
def test_a_quote_is_never_closed_on_a_line_that_reads_as_a_row_of_its_own(text: str) -> None:
    lines = split_lines(text.encode())

    first, *rest = read_records(lines, 0, COLUMNS)

    assert (first.line, first.last_line) == (1, 1)
    assert first.problem.endswith("reads as a row of its own")
    assert rest[0].line == 2


def test_trailing_commas_are_empty_fields_and_blank_rows_are_skipped() -> None:
    assert records('a,b,\n,,\n\n"",,\nc,,\n') == [(1, ("a", "b", "")), (5, ("c", "", ""))]


def test_a_record_ends_on_its_last_line_so_the_next_starts_after_it() -> None:
    lines = split_lines(b'x,"one\ntwo\nthree",y\nz,w,v\n')

    record = read_record(lines, 0, COLUMNS)

    assert (record.line, record.last_line) == (1, 3)
    assert read_record(lines, record.last_line, COLUMNS).cells == ("z", "w", "v")


def test_without_a_header_no_line_is_taken_for_a_row_and_fields_are_numbered() -> None:
    assert records('a,"b\nc,d,e\n', None) == [
        (1, "the quote that opens field 2 is never closed"),
        (2, ("c", "d", "e")),
    ]


def test_a_line_that_is_not_utf8_is_named_when_it_is_not_the_first_of_its_record() -> None:
    lines = split_lines(b'x,"one\nJos\xe9",y\n')

    record = read_record(lines, 0, COLUMNS)

    assert record.problem.startswith("not UTF-8 text: byte 0xE9 at position 4 of line 2")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_wide_unicode_file_is_refused(encoding: str) -> None:
    data = "\ufeffphone,name\n".encode(encoding)

    with pytest.raises(ImportFileError, match="UTF-16 or UTF-32"):
        split_lines(data)
