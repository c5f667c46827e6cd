"""A question's page: the question, its answers in order, what the viewer may do.

Answers: the accepted one first, then by votes, staff's before others on a tie, older
first. Hidden and held posts are shown to staff (marked), and held ones to their authors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer, PostStatus, Question, User
from app.services.community.actors import Actor
from app.services.community.markdown import render_markdown
from app.services.community.members import member_names
from app.services.community.pages import tags_of
from app.services.community.votes import votes_of

MOST_MERGE_HOPS = 5


@dataclass
class Post:
    """A question or answer as the page shows it."""

    id: int
    html: str
    author: str
    official: bool
    status: str
    score: int
    created_at: Any
    mine: bool
    my_vote: int = 0
    accepted: bool = False


@dataclass
class QuestionPage:
    """Everything the question page shows."""

    question: Question
    post: Post
    tags: tuple[str, ...]
    answers: list[Post] = field(default_factory=list)
    can_accept: bool = False
    can_answer: bool = False
    member_votes: bool = False


class Moved(Exception):
    """The question was merged into another: go there."""

    def __init__(self, question: Question) -> None:
        super().__init__(f"merged into question {question.id}")
        self.question = question


def find_question(session: Session, question_id: int, viewer: Actor | None) -> Question | None:
    """The question the viewer may see; ``Moved`` when it was merged into another."""
    question = session.get(Question, question_id)
    hops = 0
    while question is not None and question.merged_into_id and hops < MOST_MERGE_HOPS:
        question, hops = session.get(Question, question.merged_into_id), hops + 1
    if question is None or not _may_see(question, viewer):
        return None
    if question.id != question_id:
        raise Moved(question)
    return question


def question_page(session: Session, question: Question, viewer: Actor | None) -> QuestionPage:
    """The page for a question the viewer may see."""
    answers = [a for a in question.answers if _may_see(a, viewer)]
    names = member_names(session, [question.member_id] + [a.member_id for a in answers])
    staff = _staff_names(session, [question.author_id] + [a.author_id for a in answers])
    votes = votes_of(session, viewer.member_id if viewer else None, question)
    ordered = sorted(
        answers,
        key=lambda a: (a.id != question.accepted_answer_id, -a.score, not a.official, a.id),
    )
    page = QuestionPage(
        question=question,
        post=_post(question, question.staff, names, staff, viewer, votes.get(f"q{question.id}", 0)),
        tags=tags_of(question),
        answers=[
            _post(a, a.official, names, staff, viewer, votes.get(f"a{a.id}", 0)) for a in ordered
        ],
        can_accept=viewer is not None and (viewer.staff or viewer.wrote(question)),
        can_answer=question.status == PostStatus.VISIBLE
        and (not question.locked or bool(viewer and viewer.staff)),
        member_votes=viewer is not None and viewer.member_id is not None,
    )
    for answer in page.answers:
        answer.accepted = answer.id == question.accepted_answer_id
    return page


def json_ld(page: QuestionPage, url: str, answer_url: str) -> dict[str, Any]:
    """schema.org's QAPage for the question (visible answers only)."""
    question = page.question
    visible = [a for a in page.answers if a.status == PostStatus.VISIBLE]
    answers = [_ld_answer(question, a, answer_url) for a in visible]
    entity: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": question.body or question.title,
        "answerCount": len(visible),
        "upvoteCount": question.score,
        "dateCreated": question.created_at.isoformat(),
        "author": {"@type": "Person", "name": page.post.author},
    }
    accepted = [ld for a, ld in zip(visible, answers, strict=True) if a.accepted]
    if accepted:
        entity["acceptedAnswer"] = accepted[0]
    suggested = [ld for a, ld in zip(visible, answers, strict=True) if not a.accepted]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity, "url": url}


def _ld_answer(question: Question, answer: Post, answer_url: str) -> dict[str, Any]:
    body = next(a.body for a in question.answers if a.id == answer.id)
    return {
        "@type": "Answer",
        "text": body,
        "upvoteCount": answer.score,
        "dateCreated": answer.created_at.isoformat(),
        "url": f"{answer_url}#answer-{answer.id}",
        "author": {"@type": "Person", "name": answer.author},
    }


def _may_see(post: Question | Answer, viewer: Actor | None) -> bool:
    if post.status == PostStatus.VISIBLE:
        return True
    if viewer is None:
        return False
    return viewer.staff or (post.status == PostStatus.HELD and viewer.wrote(post))


def _post(
    post: Question | Answer,
    official: bool,
    names: dict[int, str],
    staff: dict[int, str],
    viewer: Actor | None,
    my_vote: int,
) -> Post:
    if post.member_id is not None:
        author = names.get(post.member_id, "a member")
    elif official and post.author_id in staff:
        author = f"{staff[post.author_id]} (Helpline team)"
    else:
        author = "Helpline team" if official else "a customer"
    return Post(
        id=post.id,
        html=render_markdown(post.body),
        author=author,
        official=official,
        status=post.status.value,
        score=post.score,
        created_at=post.created_at,
        mine=viewer is not None and viewer.wrote(post),
        my_vote=my_vote,
    )


def _staff_names(session: Session, ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
