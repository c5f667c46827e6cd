"""``helpline customers import``: CSV in, customers upserted by phone, bad rows named by line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Account,
    Channel,
    ConsentEvent,
    ConsentSource,
    Customer,
    Purpose,
    Tier,
)
from app.services.customers.customer_import import import_customers
from tests.integration.customer_files import count, run_import, stored, write_csv

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "phone,name,tier,lifetime_value,timezone,accounts,sms_consent,voice_consent"


def consent_history(phone: str, channel: Channel) -> list[bool]:
    return list(
        db.session.scalars(
            select(ConsentEvent.opted_in)
            .join(Customer)
            .where(Customer.phone == phone, ConsentEvent.channel == channel)
            .order_by(ConsentEvent.id)
        )
    )


def test_good_rows_are_imported_with_phones_normalized_to_e164(runner, tmp_path):
    path = write_csv(
        tmp_path,
        """
        phone,name
        (202) 555-0143,Parentheses
        202-555-0144,Dashes
        202 555 0145,Spaces
        +44 20 7946 0958,London
        """,
    )

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert set(stored()) == {"+12025550143", "+12025550144", "+12025550145", "+442079460958"}
    assert result.stdout.strip() == "created 4, updated 0, unchanged 0, rejected 0"


def test_national_numbers_are_read_as_numbers_of_the_region_option(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name\n020 7946 0958,London\n")

    result = run_import(runner, path, "--region", "gb")

    assert result.exit_code == 0, result.output
    assert list(stored()) == ["+442079460958"]


def test_the_region_defaults_to_the_default_region_setting(app: Flask, runner, tmp_path):
    app.config["DEFAULT_REGION"] = "GB"
    path = write_csv(tmp_path, "phone,name\n020 7946 0958,London\n")

    run_import(runner, path)

    assert list(stored()) == ["+442079460958"]


def test_an_unknown_region_option_is_refused(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name\n2025550143,Ana\n")

    result = run_import(runner, path, "--region", "XX")

    assert result.exit_code == 2
    assert "not a region code" in result.stderr


def test_each_bad_row_is_reported_with_its_line_and_reason_while_good_rows_import(runner):
    path = DATA / "customers.csv"

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert errors == [
        f"{path}:6: phone '12345' is not a valid number (read as a number of region US)",
        f"{path}:7: tier 'diamond' is not one of platinum, gold, silver, bronze",
        f"{path}:8: lifetime_value -5 is negative",
        f"{path}:9: lifetime_value '12abc' is not a number such as 1250.50",
        f"{path}:10: timezone 'Mars/Olympus' is not an IANA time zone such as America/New_York",
        f"{path}:11: name is missing",
        f"{path}:15: timezone 'Nowhere/Land' is not an IANA time zone such as America/New_York",
    ]
    assert result.stdout.strip() == "created 4, updated 0, unchanged 0, rejected 7"
    assert set(stored()) == {"+12025550101", "+12025550102", "+442079460958", "+12025550108"}


def test_a_quoted_multi_line_field_keeps_the_line_numbers_of_later_rows(runner, tmp_path):
    path = write_csv(
        tmp_path,
        """
        phone,name,timezone
        2025550143,"Ana
        García",UTC
        2025550144,"Bob
        the
        Builder",Mars/Olympus
        2025550145,Carl,Nowhere
        """,
    )

    result = run_import(runner, path, "--json")

    lines = [error["line"] for error in json.loads(result.stdout)["errors"]]
    assert lines == [4, 7]
    assert stored()["+12025550143"]["name"] == "Ana García"


def test_new_customers_get_defaults_for_blank_and_missing_columns(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name,tier\n2025550143,Ana,\n")

    run_import(runner, path)

    customer = stored()["+12025550143"]
    assert customer["tier"] is Tier.BRONZE
    assert customer["language"] == "en"
    assert customer["timezone"] == "UTC"
    assert customer["lifetime_value"] == Decimal("0")
    assert customer["email"] is None


def test_rerunning_an_import_changes_nothing(runner):
    path = DATA / "customers.csv"
    run_import(runner, path)
    before = stored()
    events = count(ConsentEvent)
    accounts = count(Account)

    result = run_import(runner, path)

    assert result.stdout.strip() == "created 0, updated 0, unchanged 4, rejected 7"
    assert stored() == before
    assert (count(ConsentEvent), count(Account)) == (events, accounts)


def test_a_changed_row_updates_only_that_customer(runner, tmp_path):
    first = f"{HEADER}\n2025550143,Ana,gold,100,,,,\n2025550144,Bob,silver,50,,,,\n"
    run_import(runner, write_csv(tmp_path, first))
    before = stored()
    changed = first.replace("Ana,gold,100", "Ana,platinum,20000.5")

    result = run_import(runner, write_csv(tmp_path, changed, "again.csv"))

    assert result.stdout.strip() == "created 0, updated 1, unchanged 1, rejected 0"
    after = stored()
    assert after["+12025550143"]["tier"] is Tier.PLATINUM
    assert after["+12025550143"]["lifetime_value"] == Decimal("20000.50")
    assert after["+12025550143"]["updated_at"] > before["+12025550143"]["updated_at"]
    assert after["+12025550144"] == before["+12025550144"]


def test_blank_cells_leave_an_existing_customers_values_alone(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,gold,100,Europe/Paris,,,\n"))

    result = run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,,,,,,\n", "b.csv"))

    assert "unchanged 1" in result.stdout
    customer = stored()["+12025550143"]
    assert (customer["tier"], customer["timezone"]) == (Tier.GOLD, "Europe/Paris")


def test_consent_events_are_appended_only_when_consent_changes(runner, tmp_path):
    rows = ["yes,no", "yes,no", ",", "no,no", "YES,1"]

    for number, consent in enumerate(rows):
        path = write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,,,,,{consent}\n", f"{number}.csv")
        run_import(runner, path)

    assert consent_history("+12025550143", Channel.SMS) == [True, False, True]
    assert consent_history("+12025550143", Channel.VOICE) == [True]
    event = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).first()
    assert (event.source, event.purpose) == (ConsentSource.IMPORT, Purpose.SERVICE_NOTICES)
    assert event.detail == "0.csv line 2"


def test_a_consent_change_alone_counts_as_an_update(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,,,,,,\n"))

    result = run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,,,,,yes,\n", "b"))

    assert result.stdout.strip() == "created 0, updated 1, unchanged 0, rejected 0"


def test_accounts_are_attached_once_and_their_service_can_change(runner, tmp_path):
    text = f"{HEADER}\n2025550143,Ana,,,,mobile:M-1;energy:E-9,,\n"
    run_import(runner, write_csv(tmp_path, text))
    run_import(runner, write_csv(tmp_path, text, "again.csv"))

    run_import(runner, write_csv(tmp_path, text.replace("energy:E-9", "tv:E-9"), "tv.csv"))

    accounts = db.session.execute(select(Account.number, Account.service).order_by(Account.number))
    assert accounts.all() == [("E-9", "tv"), ("M-1", "mobile")]


def test_an_account_held_by_another_customer_rejects_the_row(runner, tmp_path):
    run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550143,Ana,,,,mobile:M-1,,\n"))

    result = run_import(runner, write_csv(tmp_path, f"{HEADER}\n2025550144,Bob,,,,tv:M-1,,\n", "b"))

    assert result.stderr.strip().endswith("b:2: account M-1 belongs to another customer")
    assert "+12025550144" not in stored()


def test_a_phone_repeated_in_the_file_is_rejected_on_its_later_line(runner, tmp_path):
    path = write_csv(
        tmp_path,
        """
        phone,name
        (202) 555-0143,First
        202-555-0143,Second
        """,
    )

    result = run_import(runner, path)

    assert f"{path}:3: phone +12025550143 already appears on line 2; row skipped" in result.stderr
    assert stored()["+12025550143"]["name"] == "First"
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("header", "missing"),
    [("name,email", "phone"), ("phone,email", "name"), ("email", "phone, name")],
)
def test_a_missing_required_column_is_named_and_nothing_is_imported(
    runner, tmp_path, header, missing
):
    path = write_csv(tmp_path, f"{header}\n2025550143,x\n")

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert f"{path}: missing required column" in result.stderr
    assert result.stderr.strip().endswith(missing)
    assert count(Customer) == 0


def test_a_file_that_cannot_be_read_exits_with_status_1(runner, tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("phone,name\n2025550143,Jos\xe9\n".encode("latin-1"))

    missing = run_import(runner, tmp_path / "nowhere.csv")
    not_utf8 = run_import(runner, latin1)

    assert missing.exit_code == 1 and "cannot read the file" in missing.stderr
    assert not_utf8.exit_code == 1 and "not UTF-8 text" in not_utf8.stderr


def test_a_file_whose_every_row_is_rejected_exits_with_status_1(runner, tmp_path):
    result = run_import(runner, write_csv(tmp_path, "phone,name\n123,Ana\n456,Bob\n"))

    assert result.exit_code == 1
    assert "rejected 2" in result.stdout


def test_json_output_gives_the_counts_and_each_error_with_its_line(runner):
    result = run_import(runner, DATA / "customers.csv", "--json")

    report = json.loads(result.stdout)
    assert {key: report[key] for key in ("created", "updated", "unchanged", "rejected")} == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 7,
    }
    assert report["errors"][0] == {
        "line": 6,
        "reason": "phone '12345' is not a valid number (read as a number of region US)",
    }
    assert [error["line"] for error in report["errors"]] == [6, 7, 8, 9, 10, 11, 15]


def test_json_output_reports_a_file_error_too(runner, tmp_path):
    result = run_import(runner, write_csv(tmp_path, "email\nx\n"), "--json")

    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "missing required columns: phone, name"


def test_progress_and_warnings_go_to_stderr_and_the_summary_to_stdout(runner, tmp_path):
    path = write_csv(tmp_path, "phone,name,colour\n2025550143,Ana,red\n")

    result = run_import(runner, path)

    assert "Importing customers.csv" in result.stderr
    assert f"{path}: ignored unknown columns: colour" in result.stderr
    assert result.stdout.strip() == "created 1, updated 0, unchanged 0, rejected 0"


def test_rows_are_written_in_batches_and_duplicates_are_caught_across_batches(app):
    text = "phone,name\n" + "".join(f"202555{n:04d},Person {n}\n" for n in range(7))
    text += "2025550001,Late duplicate\n"
    progress: list[int] = []

    report = import_customers(
        db.session, text, region="US", source="t.csv", on_progress=progress.append, batch_size=3
    )

    assert (report.created, report.rejected) == (7, 1)
    assert report.errors[0].line == 9
    assert sum(progress) == 8 and len(progress) >= 3
    assert stored()["+12025550001"]["name"] == "Person 1"
