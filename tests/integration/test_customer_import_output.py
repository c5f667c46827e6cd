"""``helpline customers import``: what it prints and stores of a file's name and of its header is
safe, whatever bytes they hold, and says which bytes they were."""

from __future__ import annotations

import json
import os
import re

from click.testing import Result
from sqlalchemy import select

from app.extensions import db
from app.models import ConsentEvent
from tests.integration.customer_files import stored, write_bytes, write_csv

ANA, BOB = "+12025550101", "+12025550102"
# What a terminal acts on: C0 and C1 controls, DEL, bidi controls, and the surrogates Python
# keeps undecodable bytes of a file name in (which no terminal and no database takes).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def import_in_a_terminal(runner, path, *options: str) -> Result:
    """The command as run in a terminal: click keeps ANSI sequences it strips from a pipe."""
    return runner.invoke(args=["customers", "import", str(path), *options], color=True)


def details() -> list[str]:
    return list(db.session.scalars(select(ConsentEvent.detail).order_by(ConsentEvent.id)))


def test_a_file_name_that_is_not_utf8_imports_and_is_shown_and_stored_with_its_byte_escaped(
    runner, tmp_path
):
    name = os.fsdecode(b"bad\xff.csv")
    text = "phone,name,sms_consent\n2025550101,Ana,yes\n12345,Bad,no\n"
    path = write_bytes(tmp_path, text.encode(), name)

    result = import_in_a_terminal(runner, path)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 1, updated 0, unchanged 0, rejected 1"
    assert f"{tmp_path}/bad\\xff.csv:3: phone '12345' is not a valid number" in result.stderr
    assert "Importing bad\\xff.csv" in result.stderr
    assert not UNSAFE.search(result.output)
    assert details() == ["bad\\xff.csv line 2"]
    assert set(stored()) == {ANA}


def test_control_characters_in_a_file_name_are_escaped_where_printed_and_stored(runner, tmp_path):
    name = "evil\x1b]0;owned\x07\n.csv:9: all good\u202e.csv"
    text = "phone,name,sms_consent\n2025550101,Ana,yes\n12345,Bad,no\n"
    path = write_bytes(tmp_path, text.encode(), name)

    result = import_in_a_terminal(runner, path)

    shown = f"{tmp_path}/evil\\x1b]0;owned\\x07\\n.csv:9: all good\\u202e.csv"
    assert result.stderr.splitlines()[-1] == (
        f"{shown}:3: phone '12345' is not a valid number (read as a number of region US)"
    )
    assert not UNSAFE.search(result.output)
    assert details() == ["evil\\x1b]0;owned\\x07\\n.csv:9: all good\\u202e.csv line 2"]


def test_a_very_long_file_name_is_stored_cut_in_its_middle_to_fit_with_its_line_kept(
    runner, tmp_path
):
    name = "customers-" + "x" * 230 + "-final.csv"
    path = write_csv(tmp_path, "phone,name,sms_consent\n2025550101,Ana,yes\n", name)

    result = import_in_a_terminal(runner, path)

    assert result.exit_code == 0, result.output
    [detail] = details()
    assert len(detail) == ConsentEvent.__table__.c.detail.type.length
    assert detail.startswith("customers-xxx") and detail.endswith("xxx-final.csv line 2")
    assert "…" in detail


def test_header_names_printed_as_ignored_columns_have_their_control_characters_escaped(
    runner, tmp_path
):
    path = write_csv(tmp_path, "phone,name,\x1b[31mevil\x07,\u202enote\n2025550101,Ana,x,y\n")

    result = import_in_a_terminal(runner, path)

    assert f"{path}: ignored unknown columns: \\x1b[31mevil\\x07, \\u202enote" in result.stderr
    assert not UNSAFE.search(result.output)
    assert set(stored()) == {ANA}


def test_a_reason_that_names_a_header_column_has_its_control_characters_escaped(runner, tmp_path):
    path = write_csv(tmp_path, 'phone,name,\x1b[2Jnotes\n2025550101,Ana,x\n2025550102,Bob,"y\n')

    result = import_in_a_terminal(runner, path)

    assert f"{path}:3: the quote that opens the \\x1b[2jnotes field is never closed" in (
        result.stderr
    )
    assert not UNSAFE.search(result.output)
    assert set(stored()) == {ANA}


def test_a_header_refused_for_a_repeated_column_names_it_escaped(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name,\x1b[8mx,\x1b[8mX\n2025550101,Ana,a,b\n")

    result = import_in_a_terminal(runner, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: column appears more than once: \\x1b[8mx"
    )
    assert not UNSAFE.search(result.output)


def test_json_output_keeps_names_as_data_in_ascii_that_no_terminal_acts_on(runner, tmp_path):
    name = os.fsdecode(b"bad\xff\x1b[31m.csv")
    path = write_bytes(tmp_path, b"phone,name,\x1b[31mevil\n2025550101,Ana,x\n", name)

    result = import_in_a_terminal(runner, path, "--json")

    report = json.loads(result.stdout)
    assert result.stdout.isascii() and not UNSAFE.search(result.output)
    assert report["file"] == str(path)
    assert report["ignored_columns"] == ["\x1b[31mevil"]
