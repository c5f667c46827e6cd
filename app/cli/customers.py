"""``helpline customers``: customer records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import phonenumbers
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services.customers.customer_export import write_customer_file
from app.services.customers.customer_import import (
    ImportFileError,
    ImportReport,
    count_data_lines,
    import_customers,
    read_customer_file,
)
from app.services.printable import printable

customers_cli = AppGroup("customers", help="Import and export customers.")


@customers_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--region",
    metavar="CODE",
    help="Country of numbers written without +code, e.g. US or GB "
    "[default: the DEFAULT_REGION setting].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and errors as JSON.")
def import_command(file: Path, region: str | None, as_json: bool) -> None:
    """Create or update customers from the CSV FILE, matched by phone number.

    \b
    Columns (header row first, any order, any case):
      phone, name          required; phones are stored in E.164
      email, language (en), tier (bronze), lifetime_value (0),
      region, timezone (UTC, an IANA name such as America/Chicago)
      accounts             service:number pairs, e.g. mobile:M-100234;tv:T-9
      sms_consent, voice_consent
                           yes/no/true/false/1/0: consent to service notices

    A blank cell leaves an existing customer's value as it is (new customers
    get the default shown in parentheses). A phone that appears again further down the
    file is rejected on that line; the first row for it is imported.

    Every row has as many fields as the header. A quoted field may run over up
    to 10 lines, unless a line after its first reads as a row of its own; else
    its quote counts as left open: it is reported on its line, and the lines
    after it are read as rows. Text with control characters is rejected. A cell that
    `customers export` escaped ('=..., '+...) is read without its '.

    Each rejected row is printed to stderr as FILE:LINE: reason; the other rows
    are imported. Running the same file again changes nothing. Exit status is 0
    when the file was read, 1 when it cannot be read, lacks a required column,
    or every row in it was rejected.
    """
    region_code = _region(region or current_app.config["DEFAULT_REGION"])
    try:
        report = _import(file, region_code, as_json)
    except ImportFileError as exc:
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": str(exc)}))
        raise click.ClickException(printable(f"{file}: {exc}")) from None
    _print_report(file, report, as_json)
    if report.rejected and not report.imported:
        raise SystemExit(1)


def _region(code: str) -> str:
    region = code.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(
            f"{code!r} is not a region code such as US or GB", param_hint="--region"
        )
    return region


def _import(file: Path, region: str, as_json: bool) -> ImportReport:
    data = read_customer_file(file)
    if as_json:
        return import_customers(db.session, data, region=region, source=file.name)
    with click.progressbar(
        length=count_data_lines(data),
        label=printable(f"Importing {file.name}"),
        file=sys.stderr,
    ) as bar:
        return import_customers(
            db.session, data, region=region, source=file.name, on_progress=bar.update
        )


def _print_report(file: Path, report: ImportReport, as_json: bool) -> None:
    if report.ignored_columns:
        _warn(f"{file}: ignored unknown columns: {', '.join(report.ignored_columns)}")
    for error in report.errors:
        _warn(f"{file}:{error.line}: {error.reason}")
    if not report.imported and not report.rejected:
        _warn(f"{file}: no customer rows after the header")
    if as_json:
        click.echo(json.dumps({"file": str(file), **report.as_dict()}))
    else:
        click.echo(report.summary())


def _warn(line: str) -> None:
    """A line to stderr; the file's name and values in it cannot act on the terminal."""
    click.echo(printable(line), err=True)


@customers_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the file and the count as JSON.")
def export_command(file: Path, as_json: bool) -> None:
    """Write every customer to the CSV FILE, in the columns `customers import` reads.

    Importing the file again changes nothing. It is UTF-8 with a byte-order
    mark, for spreadsheets. A text cell that a spreadsheet would run as a
    formula (one starting with = + - @, a tab or a carriage return) is written
    with a ' in front, phone numbers' + included, so it opens as text;
    `customers import` takes that ' off again. Exit status is 0 when the file
    was written, 1 when it cannot be.
    """
    try:
        written = write_customer_file(db.session, file)
    except OSError as exc:
        message = f"{file}: cannot write the file: {exc.strerror}"
        raise click.ClickException(printable(message)) from None
    if as_json:
        click.echo(json.dumps({"file": str(file), "exported": written}))
    else:
        click.echo(printable(f"exported {written} customers to {file}"))
