"""``helpline customers import`` and values a database would refuse: each is reported on its line,
on SQLite and PostgreSQL alike, and the rest of its batch is imported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Account
from tests.integration.customer_files import reported, run_import, stored, write_bytes, write_csv

ANA, BOB, CARL = "+12025550101", "+12025550102", "+12025550103"
HEADER = "phone,name,email,region,accounts,lifetime_value"


def import_rows(runner, tmp_path, *rows: str):
    """Import Ana, the given rows (line 3 on), then Carl; the result and the file's path."""
    text = "\n".join([HEADER, "2025550101,Ana,,,,", *rows, "2025550103,Carl,,,,"]) + "\n"
    path = write_bytes(tmp_path, text.encode())
    return run_import(runner, path), path


def test_a_nul_byte_rejects_its_row_with_its_line_and_the_rest_of_the_batch_imports(
    runner, tmp_path
):
    result, path = import_rows(runner, tmp_path, "2025550102,Bo\x00b,,,,")

    assert reported(result, path) == ["3: name has a control character (U+0000) at character 3"]
    assert set(stored()) == {ANA, CARL}
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 1"
    assert result.exit_code == 0 and result.exception is None


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("Bob\x07,,,", "name has a control character (U+0007) at character 4"),
        ("\x1b[31mBob,,,", "name has a control character (U+001B) at character 1"),
        ("Bob\x7f,,,", "name has a control character (U+007F) at character 4"),
        ("Bob\x85,,,", "name has a control character (U+0085) at character 4"),
        ("\u202eboB,,,", "name has a control character (U+202E) at character 1"),
        ("Bob,bob@exa\x00mple.com,,", "email has a control character (U+0000) at character 8"),
        ("Bob,bob@exa\tmple.com,,", "email has a control character (U+0009) at character 8"),
        ("Bob,,east\x00,", "region has a control character (U+0000) at character 5"),
        ("Bob,,,tv:T-\x001", "accounts has a control character (U+0000) at character 6"),
    ],
)
def test_control_characters_in_text_columns_reject_the_row(runner, tmp_path, cells, reason):
    result, path = import_rows(runner, tmp_path, f"2025550102,{cells},")

    assert reported(result, path) == [f"3: {reason}"]
    assert set(stored()) == {ANA, CARL}


def test_tabs_and_line_breaks_in_a_name_are_spaces(runner, tmp_path):
    result, path = import_rows(runner, tmp_path, '2025550102,"Bob\tthe\r\nBuilder",,,,')

    assert reported(result, path) == []
    assert stored()[BOB]["name"] == "Bob the Builder"


EMAIL_254 = "b" * 64 + "@" + "e" * 185 + ".com"
LONGEST = {
    "name": ("B" * 120, "name is longer than 120 characters"),
    "email": (EMAIL_254, "email is longer than 254 characters"),
    "region": ("r" * 64, "region is longer than 64 characters"),
}


@pytest.mark.parametrize("column", list(LONGEST))
def test_a_value_as_long_as_its_column_imports_and_one_longer_is_reported(runner, tmp_path, column):
    longest, reason = LONGEST[column]
    cells = {"name": "Bob", "email": "", "region": ""}
    fits = dict(cells, **{column: longest})
    too_long = dict(cells, **{column: longest + "x" if column != "email" else "b" + longest})
    rows = [",".join(["2025550102", *values.values(), ",0"]) for values in (fits, too_long)]
    rows[1] = rows[1].replace("2025550102", "2025550104")

    result, path = import_rows(runner, tmp_path, *rows)

    assert reported(result, path) == [f"4: {reason}"]
    assert stored()[BOB][column] == longest


@pytest.mark.parametrize(
    ("accounts", "reason"),
    [
        ("tv:" + "T" * 33, f"account number '{'T' * 33}'"),
        ("s" * 33 + ":T-1", f"account service '{'s' * 33}'"),
        ("\u0130" * 20 + ":T-1", "account service 'i\u0307i\u0307"),  # İ lower-cases to 2
    ],
)
def test_an_account_longer_than_its_column_is_reported(runner, tmp_path, accounts, reason):
    fits = f"{'s' * 32}:{'T' * 32}"

    result, path = import_rows(
        runner, tmp_path, f"2025550102,Bob,,,{fits},0", f"2025550104,Dan,,,{accounts},0"
    )

    errors = reported(result, path)
    assert len(errors) == 1 and errors[0].startswith(f"4: {reason}"), errors
    assert "longer than 32 characters" in errors[0]
    assert db.session.scalars(select(Account.number)).all() == ["T" * 32]


def test_the_largest_lifetime_value_the_column_holds_imports_and_a_cent_more_is_reported(
    runner, tmp_path
):
    result, path = import_rows(
        runner, tmp_path, "2025550102,Bob,,,,9999999999.99", "2025550104,Dan,,,,9999999999.995"
    )

    assert reported(result, path) == ["4: lifetime_value 9999999999.995 is too large"]
    assert stored()[BOB]["lifetime_value"] == Decimal("9999999999.99")


def test_a_rejected_value_is_shown_short_in_the_report(runner, tmp_path):
    path = write_csv(tmp_path, f"phone,name,timezone\n2025550101,Ana,{'Mars/' * 1000}\n")

    result = run_import(runner, path)

    (error,) = reported(result, path)
    assert error.startswith("2: timezone 'Mars/Mars/") and "/…' is not an IANA time zone" in error
    assert len(error) < 120
