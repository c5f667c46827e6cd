"""Votes: one per member and post, up or down, never on one's own post; taken back with
``clear``.

A post's score moves by an ``UPDATE ... SET score = score + n`` in the same transaction as
the vote row, so two votes at once cannot lose one; the unique constraint turns a double
click into one vote.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Answer, PostStatus, Question, Vote
from app.services.community.actors import Actor, require_member
from app.services.community.errors import AlreadyDone, NotAllowed, NotFound

PostKind = Literal["question", "answer"]
VALUES = {"up": 1, "down": -1, "clear": 0}


def vote(
    session: Session, actor: Actor | None, kind: PostKind, post_id: int, direction: str
) -> int:
    """Count the member's vote (``up`` or ``down``) on a post, or take it back
    (``clear``); the post's new score.

    Changing one's mind counts (up becomes down); the same vote twice is ``AlreadyDone``.
    """
    member_id = require_member(actor, "vote")
    value = VALUES.get(direction)
    if value is None:
        raise NotFound("A vote is up or down.")
    model = Question if kind == "question" else Answer
    post = session.get(model, post_id)
    if post is None or post.status != PostStatus.VISIBLE:
        raise NotFound("There is no such post.")
    if post.member_id == member_id:
        raise NotAllowed("You cannot vote on your own post.")
    column = Vote.question_id if kind == "question" else Vote.answer_id
    earlier = session.scalar(select(Vote).where(Vote.member_id == member_id, column == post_id))
    if value == 0:
        return _take_back(session, model, kind, post_id, earlier)
    if earlier is not None and earlier.value == value:
        raise AlreadyDone(f"You already voted this {kind} {direction}.")
    change = value if earlier is None else value - earlier.value
    if earlier is None:
        session.add(Vote(member_id=member_id, value=value, **{column.key: post_id}))
    else:
        earlier.value = value
    session.execute(update(model).where(model.id == post_id).values(score=model.score + change))
    try:
        session.commit()
    except IntegrityError:  # the same vote, sent twice at once: the other one counted
        session.rollback()
        raise AlreadyDone(f"You already voted this {kind} {direction}.") from None
    return int(session.scalar(select(model.score).where(model.id == post_id)) or 0)


def _take_back(
    session: Session, model: type[Question | Answer], kind: str, post_id: int, earlier: Vote | None
) -> int:
    """Remove the member's vote and its weight on the score; the new score."""
    gone = AlreadyDone(f"You have no vote on this {kind} to take back.")
    if earlier is None:
        raise gone
    # A statement, not the ORM's delete: the same click twice at once deletes 0 rows the
    # second time, which is told here rather than raised at flush.
    removed = session.execute(delete(Vote).where(Vote.id == earlier.id)).rowcount
    if not removed:
        session.rollback()
        raise gone
    session.execute(
        update(model).where(model.id == post_id).values(score=model.score - earlier.value)
    )
    session.commit()
    return int(session.scalar(select(model.score).where(model.id == post_id)) or 0)


def votes_of(session: Session, member_id: int | None, question: Question) -> dict[str, int]:
    """The member's votes on a question and its answers: ``{"q12": 1, "a40": -1}``."""
    if member_id is None:
        return {}
    answer_ids = [answer.id for answer in question.answers]
    rows = session.execute(
        select(Vote.question_id, Vote.answer_id, Vote.value).where(
            Vote.member_id == member_id,
            (Vote.question_id == question.id) | Vote.answer_id.in_(answer_ids),
        )
    )
    return {(f"q{q}" if q is not None else f"a{a}"): value for q, a, value in rows}
