"""Importing Q&A: each row a staff question with its official, accepted answer.

A question already imported (the same title) is updated only where the file differs, so
importing the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer, Question
from app.services.community.kb_import_files import QARow, RowError, parse_rows
from app.services.community.kb_posts import (
    PostError,
    accept_answer,
    answer_question,
    ask_question,
    edit_answer,
    edit_question,
    tag_text,
)
from knowledge_base import detect_language, plain_words

BATCH = 200


@dataclass
class QAImportReport:
    """What an import did: questions created, updated, left as they were; rows refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready values."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.errors),
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }

    def summary(self) -> str:
        """One line for a person."""
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} rejected"
        )


def import_qa(
    session: Session,
    path: Path,
    data: str,
    on_progress: Callable[[int], None] | None = None,
) -> QAImportReport:
    """Import every row of a Q&A file's text, committing a batch at a time."""
    report = QAImportReport()
    batch: list[QARow] = []
    refused = 0
    for row in parse_rows(path, data):
        if isinstance(row, RowError):
            report.errors.append(row)
            refused += 1
        else:
            batch.append(row)
        if len(batch) >= BATCH:
            _import_batch(session, batch, report)
            _progress(on_progress, len(batch) + refused)
            batch, refused = [], 0
    _import_batch(session, batch, report)
    _progress(on_progress, len(batch) + refused)
    report.errors.sort(key=lambda error: error.line)
    return report


def _progress(on_progress: Callable[[int], None] | None, rows: int) -> None:
    if on_progress and rows:
        on_progress(rows)


def _import_batch(
    session: Session,
    rows: list[QARow],
    report: QAImportReport,
) -> None:
    titles = {" ".join(row.question.split()) for row in rows}
    known = {
        q.title: q
        for q in session.scalars(select(Question).where(Question.title.in_(titles), Question.staff))
    }
    for row in rows:
        try:
            with session.begin_nested():
                _import_row(session, row, known, report)
        except PostError as exc:
            report.errors.append(RowError(row.line, str(exc)))
    session.commit()


def _import_row(
    session: Session, row: QARow, known: dict[str, Question], report: QAImportReport
) -> None:
    title = " ".join(row.question.split())
    question = known.get(title)
    if question is None:
        language = detect_language(plain_words(row.question + " " + row.answer))
        question = ask_question(session, title, language=language, tags=row.tags, staff=True)
        answer = answer_question(session, question.id, row.answer, official=True)
        accept_answer(session, answer.id, question.id)
        known[title] = question
        report.created += 1
    elif _update(session, question, row):
        report.updated += 1
    else:
        report.unchanged += 1


def _update(session: Session, question: Question, row: QARow) -> bool:
    changed = False
    if question.tags != tag_text(row.tags):
        edit_question(session, question.id, tags=row.tags)
        changed = True
    official = _official_answer(question.answers)
    if official is None:
        answer = answer_question(session, question.id, row.answer, official=True)
        accept_answer(session, answer.id, question.id)
        return True
    if official.body != row.answer.strip():
        edit_answer(session, official.id, row.answer)
        changed = True
    return changed


def _official_answer(answers: Iterable[Answer]) -> Answer | None:
    return next((a for a in answers if a.official), None)
