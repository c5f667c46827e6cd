"""``helpline customers import`` on files that are not clean CSV: each bad row is named, none hides
another, and the line numbers are the file's own."""

from __future__ import annotations

import pytest

from tests.integration.customer_files import (
    reported,
    run_import,
    stored,
    write_bytes,
    write_csv,
)

ANA, BOB, CARL, DAN, EVE = (f"+1202555010{n}" for n in range(1, 6))


def test_an_unterminated_quote_is_reported_on_its_line_and_the_rows_after_it_import(
    runner, tmp_path
):
    path = write_csv(
        tmp_path,
        """
        phone,name
        2025550101,Ana
        2025550102,"Bob
        2025550103,Carl
        2025550104,Dan
        """,
    )

    result = run_import(runner, path)

    assert reported(result, path) == [
        "3: the quote that opens the name field is not closed on this line: "
        "line 4 reads as a row of its own"
    ]
    assert set(stored()) == {ANA, CARL, DAN}
    assert result.stdout.strip() == "created 3, updated 0, unchanged 0, rejected 1"
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (
            ['2025550102,"Bob', "2025550103,Carl", '"2025550104",Dan', "2025550105,Eve"],
            "is not closed on this line: line 4 reads as a row of its own",
        ),
        (
            ['2025550102,"Bob,', "2025550103,Carl,", '2025550104,Dan",', "2025550105,Eve,"],
            "is not closed on this line: line 4 reads as a row of its own",
        ),
        (
            ['2025550102,"Bob', '2025550104,"Dan"', "2025550103,Carl", "2025550105,Eve"],
            "is not closed on this line: where it closes, on line 4, text follows the quote",
        ),
        (
            ["2025550103,Carl", "2025550104,Dan", "2025550105,Eve", '2025550102,"Bob'],
            "is never closed",
        ),
    ],
    ids=["later-quoted-field", "closes-cleanly-later", "pairs-with-a-later-quote", "last-line"],
)
def test_an_unterminated_quote_never_swallows_the_rows_after_it(runner, tmp_path, rows, reason):
    width = rows[0].count(",") + 1
    header = "phone,name" + "," * (width - 2)
    path = write_csv(tmp_path, "\n".join([header, "2025550101,Ana" + "," * (width - 2), *rows]))

    result = run_import(runner, path)

    errors = reported(result, path)
    assert len(errors) == 1 and errors[0].endswith(reason), errors
    assert "the quote that opens the name field" in errors[0]
    assert set(stored()) == {ANA, CARL, DAN, EVE}


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        ("phone,name", ['2025550102,"Bob', '2025550103,Carl"']),
        ("phone,name,region", ['2025550102,"Bob,', '2025550103,Carl",north']),
        ("phone,name,region", ['2025550102,Bob,"north', '2025550103,Carl,12"']),
    ],
    ids=["inch-mark-ends-the-line", "quote-closes-mid-line", "inch-mark-in-the-last-column"],
)
def test_a_quote_closing_on_a_line_that_reads_as_a_row_is_reported_not_taken_as_one_field(
    runner, tmp_path, header, rows
):
    ana = "2025550101,Ana" + "," * (header.count(",") - 1)
    path = write_csv(tmp_path, "\n".join([header, ana, *rows, ""]))

    result = run_import(runner, path)

    errors = reported(result, path)
    assert len(errors) == 1 and errors[0].startswith("3: the quote that opens the "), errors
    assert errors[0].endswith("is not closed on this line: line 4 reads as a row of its own")
    assert set(stored()) == {ANA, CARL}
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 1"


def test_an_unclosed_quote_never_joins_an_existing_customer_to_the_next_row(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, "phone,name\n2025550101,Ana\n2025550102,Bob\n"))
    text = 'phone,name\n2025550101,"Ana\n2025550102,Bob"\n2025550103,Carl\n'

    result = run_import(runner, write_csv(tmp_path, text, "again.csv"))

    assert reported(result, tmp_path / "again.csv")[0].startswith("2: the quote that opens")
    assert stored()[ANA]["name"] == "Ana"
    assert stored()[BOB]["name"] == 'Bob"'
    assert result.stdout.strip() == "created 1, updated 1, unchanged 0, rejected 1"


def test_a_quoted_field_left_open_is_given_up_after_ten_lines(runner, tmp_path):
    continuation = ["and more"] * 12
    path = write_csv(tmp_path, "\n".join(["phone,name", '2025550101,"Ana', *continuation, 'x"']))

    result = run_import(runner, path)

    errors = reported(result, path)
    assert errors[0] == "2: the quote that opens the name field is not closed within 10 lines"
    assert stored() == {}


def test_a_legitimate_multi_line_field_is_one_value(runner, tmp_path):
    path = write_csv(
        tmp_path,
        """
        phone,name,region
        2025550101,"Ana
        ""Lina""
        García",north
        2025550102,Bob,south
        """,
    )

    result = run_import(runner, path)

    assert result.exit_code == 0 and reported(result, path) == []
    assert stored()[ANA]["name"] == 'Ana "Lina" García'
    assert stored()[BOB]["region"] == "south"


def test_text_after_a_closing_quote_is_reported_and_the_next_row_imports(runner, tmp_path):
    path = write_csv(tmp_path, 'phone,name\n2025550101,"Ana" Lina\n2025550102,Bob\n')

    result = run_import(runner, path)

    assert reported(result, path) == [
        '2: text follows the closing quote of the name field; write a quote as ""'
    ]
    assert set(stored()) == {BOB}


def test_a_quote_inside_an_unquoted_field_is_part_of_the_value(runner, tmp_path):
    path = write_csv(tmp_path, 'phone,name\n2025550101,Dwayne "The Rock" Johnson\n')

    run_import(runner, path)

    assert stored()[ANA]["name"] == 'Dwayne "The Rock" Johnson'


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2025550102,Bob,gold,extra", "3: row has 4 fields but the header has 3"),
        ("2025550102,gold", "3: row has 2 fields but the header has 3"),
        ("2025550102", "3: row has 1 field but the header has 3"),
    ],
)
def test_a_row_with_too_many_or_too_few_fields_is_reported(runner, tmp_path, row, reason):
    path = write_csv(tmp_path, f"phone,name,tier\n2025550101,Ana,gold\n{row}\n2025550103,Carl,\n")

    result = run_import(runner, path)

    assert reported(result, path) == [reason]
    assert set(stored()) == {ANA, CARL}


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-BOM", "BOM"])
def test_line_numbers_are_the_files_own_whatever_its_line_ends(runner, tmp_path, end, bom):
    lines = [b"phone,name,tier", b'2025550101,"Ana', b'Garc\xc3\xada",gold', b"", b"12345,Bad,"]
    lines += [b"2025550102,Bob,diamond", b"2025550103,Carl,"]
    path = write_bytes(tmp_path, bom + end.join(lines) + end)

    result = run_import(runner, path)

    assert reported(result, path) == [
        "5: phone '12345' is not a valid number (read as a number of region US)",
        "6: tier 'diamond' is not one of platinum, gold, silver, bronze",
    ]
    assert stored()[ANA]["name"] == "Ana García"
    assert set(stored()) == {ANA, CARL}


def test_bytes_that_are_not_utf8_reject_only_their_row(runner, tmp_path):
    data = b"phone,name\n2025550101,Ana\n2025550102,Jos\xe9\n2025550103,Carl\n"
    path = write_bytes(tmp_path, data)

    result = run_import(runner, path)

    assert reported(result, path) == [
        "3: not UTF-8 text: byte 0xE9 at position 15 cannot be read; save the file as CSV UTF-8"
    ]
    assert set(stored()) == {ANA, CARL}
    assert result.exit_code == 0


def test_a_utf16_file_is_refused_as_a_whole_with_a_hint(runner, tmp_path):
    path = write_bytes(tmp_path, "phone,name\n2025550101,Ana\n".encode("utf-16"))

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert f"{path}: the file is UTF-16 or UTF-32 text; save the file as CSV UTF-8" in result.stderr


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", b" , \r\n"])
def test_an_empty_file_is_refused(runner, tmp_path, data):
    path = write_bytes(tmp_path, data)

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "the file is empty; expected a header row with phone and name" in result.stderr


def test_a_header_whose_quote_runs_past_its_line_is_refused_and_takes_in_no_row(runner, tmp_path):
    path = write_csv(tmp_path, 'phone,name,"notes\n2025550101,Ana,x"\n2025550102,Bob,y\n')

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: the header row on line 1 runs on to line 2: "
        "a quote in it is not closed on its line"
    )
    assert stored() == {}


def test_a_header_only_file_imports_nothing_and_says_so(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name\n\n")

    result = run_import(runner, path)

    assert result.exit_code == 0
    assert f"{path}: no customer rows after the header" in result.stderr
    assert result.stdout.strip() == "created 0, updated 0, unchanged 0, rejected 0"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("\x0b,\x0b", "phone is missing; name has a control character (U+000B) at character 1"),
        ("\x1c,\x1f", "phone is missing; name has a control character (U+001F) at character 1"),
        (" ,\u3000", None),
        ('"\t",""', None),
    ],
    ids=["vertical-tabs", "separators", "spaces", "quoted-tab"],
)
def test_a_row_of_whitespace_is_skipped_but_not_one_of_controls_python_calls_whitespace(
    runner, tmp_path, line, reason
):
    path = write_bytes(tmp_path, f"phone,name\n2025550101,Ana\n{line}\n2025550103,Carl\n".encode())

    result = run_import(runner, path)

    assert reported(result, path) == ([] if reason is None else [f"3: {reason}"])
    assert set(stored()) == {ANA, CARL}


def test_blank_lines_before_the_header_are_skipped_and_counted(runner, tmp_path):
    path = write_bytes(tmp_path, b"\n\nphone,name\n2025550101,Ana\n12345,Bad\n")

    result = run_import(runner, path)

    assert reported(result, path) == [
        "5: phone '12345' is not a valid number (read as a number of region US)"
    ]
    assert set(stored()) == {ANA}


def test_a_very_long_field_is_judged_by_its_column_not_by_the_csv_reader(runner, tmp_path):
    notes = "x" * 300_000
    path = write_csv(
        tmp_path, f"phone,name,notes\n2025550101,Ana,{notes}\n2025550102,{notes},short\n"
    )

    result = run_import(runner, path)

    assert reported(result, path) == ["3: name is longer than 120 characters"]
    assert set(stored()) == {ANA}
    assert len(result.stderr) < 1000
