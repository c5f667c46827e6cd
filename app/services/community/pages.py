"""What the community pages show: lists of questions, search results, the flag queue.

Read-only; the question page's own view is in ``question_page``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, literal, select
from sqlalchemy.orm import Session

from app.models import Answer, Flag, PostStatus, Question
from app.services.community import kb_search
from app.services.community.kb_posts import tag_text
from app.services.community.markdown import plain_text
from app.services.community.members import member_names

PAGE_SIZE = 20
MOST_PAGES = 500
TABS = ("newest", "unanswered", "top", "solved")


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A question as a list shows it."""

    id: int
    title: str
    slug: str
    excerpt: str
    tags: tuple[str, ...]
    score: int
    answers: int
    solved: bool
    author: str
    created_at: datetime
    language: str


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of questions, and where it sits among the others."""

    rows: list[QuestionRow]
    tab: str
    tag: str
    page: int
    pages: int
    total: int


def browse(session: Session, tab: str = "newest", tag: str = "", page: int = 1) -> Listing:
    """One page of visible questions: newest, unanswered, top voted or solved; by tag."""
    tab = tab if tab in TABS else "newest"
    tag = tag_text([tag])
    query = _listed(tab, tag)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages, MOST_PAGES)
    order = (Question.score.desc(),) if tab == "top" else ()
    chosen = session.scalars(
        query.order_by(*order, Question.created_at.desc(), Question.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Listing(rows(session, chosen), tab, tag, page, pages, total)


def search(session: Session, text: str, k: int = PAGE_SIZE) -> list[QuestionRow]:
    """Visible questions matching ``text``, best first (the knowledge base's ranking)."""
    found = kb_search.search(session, text[:500], k=k)
    by_id = {
        q.id: q
        for q in session.scalars(
            select(Question).where(Question.id.in_([r.question_id for r in found]))
        )
    }
    return rows(session, [by_id[r.question_id] for r in found if r.question_id in by_id])


def rows(session: Session, questions: Sequence[Question]) -> list[QuestionRow]:
    """List rows for ``questions``, in their order, with answer counts and authors."""
    ids = [q.id for q in questions]
    counts = dict(
        session.execute(
            select(Answer.question_id, func.count())
            .where(Answer.question_id.in_(ids), Answer.status == PostStatus.VISIBLE)
            .group_by(Answer.question_id)
        ).all()
    )
    names = member_names(session, (q.member_id for q in questions))
    return [
        QuestionRow(
            id=q.id,
            title=q.title,
            slug=q.slug,
            excerpt=plain_text(q.body, 180),
            tags=tags_of(q),
            score=q.score,
            answers=counts.get(q.id, 0),
            solved=q.accepted_answer_id is not None,
            author=_author(q, names),
            created_at=q.created_at,
            language=q.language,
        )
        for q in questions
    ]


def tags_of(question: Question) -> tuple[str, ...]:
    """A question's tags as a tuple."""
    return tuple(tag for tag in question.tags.split(",") if tag)


def popular_tags(session: Session, limit: int = 12) -> list[str]:
    """The tags most used on the newest visible questions."""
    recent = session.scalars(
        _visible().with_only_columns(Question.tags).order_by(Question.id.desc()).limit(500)
    )
    counts: dict[str, int] = {}
    for tags in recent:
        for tag in filter(None, tags.split(",")):
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda tag: (-counts[tag], tag))[:limit]


def flag_queue(session: Session) -> list[dict[str, object]]:
    """Open flags, one entry per post (how many, the reasons), oldest first; held posts."""
    flags = session.scalars(
        select(Flag).where(Flag.resolved_at.is_(None)).order_by(Flag.created_at, Flag.id)
    ).all()
    entries: dict[tuple[str, int], dict[str, object]] = {}
    for flag in flags:
        kind, post_id = (
            ("question", flag.question_id) if flag.question_id else ("answer", flag.answer_id)
        )
        assert post_id is not None
        entry = entries.setdefault((kind, post_id), {"kind": kind, "id": post_id, "reasons": []})
        reasons = entry["reasons"]
        assert isinstance(reasons, list)
        reasons.append(flag.reason)
    for entry in entries.values():
        entry["post"] = session.get(
            Question if entry["kind"] == "question" else Answer, entry["id"]
        )
    return list(entries.values())


def held_posts(session: Session) -> tuple[list[Question], list[Answer]]:
    """Posts waiting for a moderator's approval, oldest first."""
    questions = session.scalars(
        select(Question).where(Question.status == PostStatus.HELD).order_by(Question.id)
    ).all()
    answers = session.scalars(
        select(Answer).where(Answer.status == PostStatus.HELD).order_by(Answer.id)
    ).all()
    return list(questions), list(answers)


def _visible() -> Select[tuple[Question]]:
    return select(Question).where(
        Question.status == PostStatus.VISIBLE, Question.merged_into_id.is_(None)
    )


def _listed(tab: str, tag: str) -> Select[tuple[Question]]:
    query = _visible()
    if tag:
        # Tags are stored comma-separated; commas around both sides match whole tags only.
        query = query.where(
            (literal(",") + Question.tags + ",").contains(f",{tag},", autoescape=True)
        )
    if tab == "unanswered":
        answered = exists().where(
            Answer.question_id == Question.id, Answer.status == PostStatus.VISIBLE
        )
        query = query.where(~answered)
    elif tab == "solved":
        query = query.where(Question.accepted_answer_id.is_not(None))
    return query


def _author(question: Question, names: dict[int, str]) -> str:
    if question.member_id is not None:
        return names.get(question.member_id, "a member")
    return "Helpline team" if question.staff or question.author_id else "a customer"
