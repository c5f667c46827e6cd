"""The community search as texting sees it: a thin adapter over
``app.services.community.kb_search``, imported lazily.

Without that module (not installed yet, or failing to import) there is never a confident
answer: every question goes to a person. Tests replace ``search`` to inject results.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType

from flask import current_app
from sqlalchemy.orm import Session

from app.texting_settings import DEFAULT_DEFLECT_THRESHOLD

log = logging.getLogger(__name__)

COMMUNITY_SEARCH = "app.services.community.kb_search"


@dataclass(frozen=True)
class Answer:
    """One ranked answer: its question, the text to send, a score in 0..1, its page path."""

    question_id: int
    title: str
    answer: str
    score: float
    url_path: str


def _community() -> ModuleType | None:
    try:
        return importlib.import_module(COMMUNITY_SEARCH)
    except ImportError:
        return None


def search(session: Session, text: str, language: str | None = None, k: int = 5) -> list[Answer]:
    """Ranked answers for ``text``, best first; [] when the community search is missing."""
    module = _community()
    if module is None:
        return []
    results = module.search(session, text, language=language, k=k)
    return [_answer(result) for result in results]


def _answer(result: object) -> Answer:
    def field(*names: str) -> object:
        for name in names:
            if hasattr(result, name):
                return getattr(result, name)
        return ""

    return Answer(
        question_id=int(field("question_id")),  # type: ignore[call-overload]
        title=str(field("title")),
        answer=str(field("answer", "answer_text", "text")),
        score=float(field("score")),  # type: ignore[arg-type]
        url_path=str(field("url_path", "url", "path")),
    )


def threshold() -> float:
    """The score an answer needs before we text it instead of routing to a person."""
    return float(current_app.config.get("KB_DEFLECT_THRESHOLD", DEFAULT_DEFLECT_THRESHOLD))


def confident_answer(session: Session, text: str, language: str) -> Answer | None:
    """The best answer if it clears the threshold, else None."""
    found = search(session, text, language=language, k=1)
    if not found or found[0].score < threshold():
        return None
    return found[0]


def record_outcome(session: Session, query_text: str, question_id: int, solved: bool) -> None:
    """Tell the search what a deflection's customer made of it (it learns from this)."""
    module = _community()
    if module is None or not hasattr(module, "record_outcome"):
        return
    module.record_outcome(session, query_text, question_id, solved)
