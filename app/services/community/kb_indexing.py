"""Keeping the search index in step with a question: its title, body and phrasings."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.models import PostStatus, Question
from knowledge_base import Document
from knowledge_base.indexes import index_for
from knowledge_base.sql_index import SqlIndex

BODY_WEIGHT = 0.5  # a body says more than the question; its words weigh less


def index(session: Session) -> SqlIndex:
    """The search index on the session's connection, in its transaction."""
    return index_for(session.connection())


def searchable(question: Question) -> bool:
    """Visible and not merged away: the only questions search may return."""
    return question.status == PostStatus.VISIBLE and question.merged_into_id is None


def documents(question: Question) -> list[Document]:
    """The texts search finds a question by."""
    language = question.language or ""
    found = [Document(question.id, "title", question.title, language)]
    if question.body.strip():
        found.append(Document(question.id, "body", question.body, language, BODY_WEIGHT))
    found += [
        Document(question.id, "phrasing", phrasing.text, language, phrasing.weight)
        for phrasing in question.phrasings
        if phrasing.weight > 0
    ]
    return found


def reindex(session: Session, questions: Iterable[Question]) -> None:
    """Replace the questions' documents: searchable ones indexed anew, others dropped."""
    chosen = list(questions)
    session.flush()
    search_index = index(session)
    search_index.remove(question.id for question in chosen)
    search_index.add([doc for q in chosen if searchable(q) for doc in documents(q)])
