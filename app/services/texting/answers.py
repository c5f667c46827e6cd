"""The community search as texting (and the IVR) sees it: the best answer for a question,
with its confidence (0..1, as ``KB_DEFLECT_THRESHOLD`` reads it) and its page's path.

Tests replace ``search`` to inject results.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from app.models import DeflectionChannel, UnansweredQuestion
from app.models.texting import QUESTION_LENGTH
from app.services.community import kb_search
from app.services.community.kb_posts import slugify
from knowledge_base import Result, query_key


@dataclass(frozen=True)
class Answer:
    """One ranked answer: its question, the text to send, a confidence in 0..1, its page."""

    question_id: int
    title: str
    answer: str
    score: float
    url_path: str


def search(session: Session, text: str, language: str | None = None, k: int = 5) -> list[Answer]:
    """Ranked answers for ``text``, best first (questions without an answer left out)."""
    results = kb_search.search(session, text, language=language, k=k)
    return [_answer(result) for result in results if result.answer]


def question_path(question_id: int, title: str) -> str:
    """The community page of a question (its readable address)."""
    return f"/community/q/{question_id}-{slugify(title)}"


def _answer(result: Result) -> Answer:
    return Answer(
        question_id=result.question_id,
        title=result.title,
        answer=result.answer or "",
        score=result.confidence,
        url_path=question_path(result.question_id, result.title),
    )


def threshold() -> float:
    """The confidence an answer needs before we send it instead of a person."""
    return float(current_app.config["KB_DEFLECT_THRESHOLD"])


def confident_answer(
    session: Session,
    text: str,
    language: str,
    channel: DeflectionChannel = DeflectionChannel.SMS,
) -> Answer | None:
    """The best answer if its confidence clears the threshold, else None, and the question
    is kept as one the community could not answer (its content gaps). Two are asked for:
    the confidence says how clearly the best beats the next."""
    found = search(session, text, language=language, k=2)
    if not found or found[0].score < threshold():
        key = query_key(text, language)
        if key:  # words a search could use: not "???" nor emoji alone
            unanswered = UnansweredQuestion(
                channel=channel,
                query_text=text[:QUESTION_LENGTH],
                query_key=key,
                language=language[:8],
            )
            session.add(unanswered)
        return None
    return found[0]


def record_outcome(session: Session, query_text: str, question_id: int, solved: bool) -> None:
    """Tell the search what a deflection's customer made of it (it learns from this)."""
    kb_search.record_outcome(session, query_text, question_id, solved)
