"""``helpline kb``: load Q&A and ask the knowledge base what deflection would answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services.community.kb_import import QAImportReport, import_qa
from app.services.community.kb_import_files import QAFileError, count_rows, read_qa_file
from app.services.community.kb_search import search
from app.services.printable import printable
from knowledge_base import Result

kb_cli = AppGroup("kb", help="The community knowledge base: import Q&A, ask it.")


@kb_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary and errors as JSON.")
def import_command(file: Path, as_json: bool) -> None:
    """Load questions and answers from FILE: CSV or JSON Lines.

    \b
    CSV:        question,answer[,tags]   (a header row is optional;
                                          tags separated by ; , or |)
    JSON Lines: {"question": "...", "answer": "...", "tags": ["...", ...]}

    Each row becomes a staff question with its official, accepted answer. A
    question already imported (the same title) is updated where the file
    differs: running the same file again changes nothing. Each rejected row
    is printed to stderr as FILE:LINE: reason; the others are imported. Exit
    status is 1 when the file cannot be read or every row was rejected.
    """
    try:
        data = read_qa_file(file)
    except QAFileError as exc:
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": str(exc)}))
        raise click.ClickException(printable(f"{file}: {exc}")) from None
    report = _import(file, data, as_json)
    for error in report.errors:
        click.echo(printable(f"{file}:{error.line}: {error.reason}"), err=True)
    if as_json:
        click.echo(json.dumps({"file": str(file), **report.as_dict()}))
    else:
        click.echo(report.summary())
    if report.errors and not (report.created + report.updated + report.unchanged):
        raise SystemExit(1)


def _import(file: Path, data: str, as_json: bool) -> QAImportReport:
    if as_json:
        return import_qa(db.session, file, data)
    with click.progressbar(
        length=count_rows(data), label=printable(f"Importing {file.name}"), file=sys.stderr
    ) as bar:
        return import_qa(db.session, file, data, on_progress=bar.update)


@kb_cli.command("ask")
@click.argument("text")
@click.option(
    "-k",
    "k",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="How many answers to show.",
)
@click.option(
    "--language", metavar="CODE", help="The question's language (en, es); guessed when not given."
)
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON.")
def ask_command(text: str, k: int, language: str | None, as_json: bool) -> None:
    """The ranked answers deflection would give to TEXT, with scores, ids and reasons.

    Confidence is 0..1; deflection answers only at or above the
    KB_DEFLECT_THRESHOLD setting.
    """
    results = search(db.session, text, language, k)
    threshold = current_app.config["KB_DEFLECT_THRESHOLD"]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "query": text,
                    "threshold": threshold,
                    "deflect": bool(
                        results and results[0].answer and results[0].confidence >= threshold
                    ),
                    "results": [result.as_dict() for result in results],
                }
            )
        )
        return
    if not results:
        click.echo("no answer found")
    for position, result in enumerate(results, 1):
        _print_result(position, result, threshold)


def _print_result(position: int, result: Result, threshold: float) -> None:
    mark = " (would deflect)" if position == 1 and result.confidence >= threshold else ""
    click.echo(
        printable(
            f"{position}. question {result.question_id}: {result.title}  score {result.score:.3f}"
            f"  confidence {result.confidence:.2f}{mark}"
        )
    )
    if result.answer_id is not None:
        click.echo(printable(f"   answer {result.answer_id}: {_short(result.answer or '')}"))
    for reason in result.reasons:
        click.echo(printable(f"   - {reason.kind}: {reason.detail}"))


def _short(text: str, most: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1] + "…"
