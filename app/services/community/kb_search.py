"""Search the knowledge base, and learn from what deflection's answers did.

``search`` is what deflection (SMS, voice), the community's search box and
``helpline kb ask`` call. ``record_outcome`` is what a deflection's outcome calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from flask import current_app, has_app_context
from sqlalchemy import Row, Select, and_, bindparam, select
from sqlalchemy.orm import Session

from app.models import Answer, LearnedPairing, PhrasingSource, PostStatus, Question, utcnow
from app.models.community import TITLE_LENGTH
from app.services.community.kb_indexing import index, reindex
from app.services.community.kb_posts import add_phrasing
from knowledge_base import (
    DEFAULT_DEFLECT_THRESHOLD,
    QuestionFacts,
    Result,
    find,
    key_of,
    query_key,
    rank,
    should_deflect,
)

# Matches whose facts are read before boosts reorder them: boosts move a result a few
# places at most, never from 30th to 5th.
RERANKED = 30
MOST_RESULTS = 50
MOST_PAIRING = 5.0  # outcomes beyond this many in one direction teach nothing more


def search(session: Session, text: str, language: str | None = None, k: int = 5) -> list[Result]:
    """The best ``k`` visible questions for ``text`` with their best answers, scores,
    confidences (0..1) and reasons, best first. Never raises on any text."""
    if k <= 0:
        return []
    query, matches = find(index(session), text, language)
    chosen = matches[: max(RERANKED, k)]
    facts = question_facts(session, [m.question_id for m in chosen], key_of(query))
    return rank(chosen, facts, min(k, MOST_RESULTS))


def deflection(session: Session, text: str, language: str | None = None) -> Result | None:
    """The answer to send instead of a person, when confident enough, else None."""
    return should_deflect(search(session, text, language, k=2), deflect_threshold())


def deflect_threshold() -> float:
    """The app's KB_DEFLECT_THRESHOLD, or the calibrated default outside an app."""
    if has_app_context():
        return float(current_app.config.get("KB_DEFLECT_THRESHOLD", DEFAULT_DEFLECT_THRESHOLD))
    return DEFAULT_DEFLECT_THRESHOLD


def question_facts(
    session: Session, question_ids: Sequence[int], key: str
) -> dict[int, QuestionFacts]:
    """Visible questions among ``question_ids`` with their best visible answers, in one
    query of plain rows (no ORM objects: this runs on every search)."""
    if not question_ids:
        return {}
    rows = session.execute(_facts_statement(), {"ids": list(question_ids), "key": key}).all()
    by_question: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_question[row[0]].append(row)
    return {question_id: _facts(found) for question_id, found in by_question.items()}


@cache
def _facts_statement() -> Select:
    # Built once per process, not per search: making this select took longer than running it.
    return (
        select(
            Question.id,
            Question.title,
            Question.accepted_answer_id,
            LearnedPairing.weight,
            Answer.id,
            Answer.body,
            Answer.score,
            Answer.official,
        )
        .outerjoin(
            Answer, and_(Answer.question_id == Question.id, Answer.status == PostStatus.VISIBLE)
        )
        .outerjoin(
            LearnedPairing,
            and_(
                LearnedPairing.question_id == Question.id,
                LearnedPairing.query_key == bindparam("key"),
            ),
        )
        .where(
            Question.id.in_(bindparam("ids", expanding=True)),
            Question.status == PostStatus.VISIBLE,
            Question.merged_into_id.is_(None),
        )
    )


def _facts(rows: Sequence[Row]) -> QuestionFacts:
    question_id, title, accepted_id, pairing = rows[0][:4]
    answers = [row[4:] for row in rows if row[4] is not None]
    # The accepted answer first, then the best voted, staff's before others, older first.
    best = min(
        answers,
        key=lambda a: (a[0] != accepted_id, -a[2], not a[3], a[0]),
        default=None,
    )
    return QuestionFacts(
        question_id=question_id,
        title=title,
        answer_id=best[0] if best else None,
        answer=best[1] if best else None,
        accepted=best is not None and best[0] == accepted_id,
        official=best is not None and bool(best[3]),
        votes=best[2] if best else 0,
        pairing=pairing or 0.0,
    )


def record_outcome(session: Session, query_text: str, question_id: int, solved: bool) -> None:
    """Learn from a deflection: solved strengthens this query's pairing with the question
    and makes the query another phrasing of it; a false one weakens the pairing and, once
    it is no longer positive, stops searching by that phrasing."""
    key = query_key(query_text)
    question = session.get(Question, question_id)
    if not key or question is None:
        return
    pairing = session.scalar(
        select(LearnedPairing).where(
            LearnedPairing.query_key == key, LearnedPairing.question_id == question_id
        )
    )
    if pairing is None:
        pairing = LearnedPairing(query_key=key, question_id=question_id, weight=0.0)
        pairing.solved = pairing.false = 0
        session.add(pairing)
    step = 1.0 if solved else -1.0
    pairing.weight = max(-MOST_PAIRING, min(MOST_PAIRING, pairing.weight + step))
    pairing.solved += solved
    pairing.false += not solved
    pairing.updated_at = utcnow()
    _learn_phrasing(session, question, query_text, key, pairing.weight)


def _learn_phrasing(
    session: Session, question: Question, query_text: str, key: str, weight: float
) -> None:
    wording = " ".join(query_text.split())[:TITLE_LENGTH]
    learned = [
        p
        for p in question.phrasings
        if p.source == PhrasingSource.DEFLECTION and query_key(p.text) == key
    ]
    if weight > 0 and not learned:
        add_phrasing(session, question.id, wording, source=PhrasingSource.DEFLECTION)
    elif weight <= 0 and any(p.weight > 0 for p in learned):
        for phrasing in learned:
            phrasing.weight = 0.0
        reindex(session, [question])
    else:
        session.flush()
