"""Moderation: members flag posts; staff hide, restore, lock and merge, and clear flags.

Every staff action is written to the audit log with the staff user's name.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Answer, AuditEntry, Flag, PostStatus, Question, User, utcnow
from app.models.members import REASON_LENGTH
from app.services.community import kb_posts
from app.services.community.actors import Actor, require_member, require_staff
from app.services.community.errors import AlreadyDone, NotFound
from app.services.community.votes import PostKind


def flag(session: Session, actor: Actor | None, kind: PostKind, post_id: int, reason: str) -> None:
    """A member asks moderators to look at a post (once per post)."""
    member_id = require_member(actor, "flag posts")
    _post(session, kind, post_id)
    column = "question_id" if kind == "question" else "answer_id"
    reason = " ".join(reason.split())[:REASON_LENGTH] or "no reason given"
    session.add(Flag(member_id=member_id, reason=reason, **{column: post_id}))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AlreadyDone("You already flagged this post; a moderator will look at it.") from None


def set_status(
    session: Session, actor: Actor | None, kind: PostKind, post_id: int, status: PostStatus
) -> Question:
    """Hide or restore (approve, when held) a post; its open flags are resolved."""
    user_id = require_staff(actor)
    post = _post(session, kind, post_id)
    if isinstance(post, Question):
        kb_posts.set_question_status(session, post.id, status)
        question = post
    else:
        kb_posts.set_answer_status(session, post.id, status)
        question = post.question
    _resolve(session, user_id, kind, post_id)
    _audit(session, user_id, f"community.{status.value}", f"{kind} {post_id}")
    session.commit()
    return question


def set_locked(session: Session, actor: Actor | None, question_id: int, locked: bool) -> Question:
    """Lock a question (no new answers, no edits but staff's) or unlock it."""
    user_id = require_staff(actor)
    question = _post(session, "question", question_id)
    assert isinstance(question, Question)
    question.locked = locked
    _audit(
        session,
        user_id,
        "community.lock" if locked else "community.unlock",
        f"question {question_id}",
    )
    session.commit()
    return question


def merge(session: Session, actor: Actor | None, duplicate_id: int, into_id: int) -> Question:
    """Merge a duplicate into the question kept: its title becomes a phrasing of it."""
    user_id = require_staff(actor)
    for question_id in (duplicate_id, into_id):
        _post(session, "question", question_id)
    kept = kb_posts.merge_question(session, duplicate_id, into_id)
    _resolve(session, user_id, "question", duplicate_id)
    _audit(session, user_id, "community.merge", f"question {duplicate_id} into {into_id}")
    session.commit()
    return kept


def dismiss_flags(session: Session, actor: Actor | None, kind: PostKind, post_id: int) -> None:
    """The post is fine: its open flags are resolved, the post stays as it is."""
    user_id = require_staff(actor)
    _resolve(session, user_id, kind, post_id)
    _audit(session, user_id, "community.dismiss_flags", f"{kind} {post_id}")
    session.commit()


def _post(session: Session, kind: PostKind, post_id: int) -> Question | Answer:
    post = session.get(Question if kind == "question" else Answer, post_id)
    if post is None:
        raise NotFound(f"There is no {kind} {post_id}.")
    return post


def _resolve(session: Session, user_id: int, kind: PostKind, post_id: int) -> None:
    column = Flag.question_id if kind == "question" else Flag.answer_id
    session.execute(
        update(Flag)
        .where(column == post_id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by=user_id)
    )


def _audit(session: Session, user_id: int, action: str, target: str) -> None:
    name = session.scalar(select(User.name).where(User.id == user_id)) or ""
    session.add(AuditEntry(user_id=user_id, user_name=name, action=action, target=target))
