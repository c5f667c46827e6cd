"""Members and staff write: ask, answer, edit their own posts, accept an answer.

A new member's posts that carry links are held for a moderator (spam arrives with links);
staff answers are official. Each function commits once.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Answer, PostStatus, Question
from app.services.community import kb_posts
from app.services.community.actors import Actor, require
from app.services.community.errors import NotAllowed, NotFound
from knowledge_base import detect_language, plain_words

NEW_MEMBER_POSTS = 3  # visible posts a member has before links no longer hold their posts
MOST_TAGS = 5
TAG_LENGTH = 30
P = TypeVar("P", Question, Answer)
LINK = re.compile(r"https?:|www\.|\]\s*\(|<[a-z][a-z0-9+.-]*:|mailto:", re.IGNORECASE)


def post_question(
    session: Session, actor: Actor | None, title: str, body: str, tags: str
) -> Question:
    """A new question, held when a new member's words carry links."""
    author = require(actor, "Log in or sign up to ask a question.")
    wording = f"{title}\n{body}"
    question = kb_posts.ask_question(
        session,
        title,
        body,
        language=detect_language(plain_words(wording)),
        tags=split_tags(tags),
        author_id=author.user_id,
        staff=author.staff,
        status=PostStatus.HELD if _holds(session, author, wording) else PostStatus.VISIBLE,
    )
    question.member_id = author.member_id
    session.commit()
    return question


def post_answer(session: Session, actor: Actor | None, question_id: int, body: str) -> Answer:
    """A new answer to an open question; official when staff wrote it."""
    author = require(actor, "Log in or sign up to answer.")
    question = open_question(session, question_id)
    if question.locked and not author.staff:
        raise NotAllowed("This question is locked: it takes no new answers.")
    answer = kb_posts.answer_question(
        session, question.id, body, author_id=author.user_id, official=author.staff
    )
    answer.member_id = author.member_id
    if _holds(session, author, body):
        kb_posts.set_answer_status(session, answer.id, PostStatus.HELD)
    session.commit()
    return answer


def edit_question(
    session: Session, actor: Actor | None, question_id: int, title: str, body: str, tags: str
) -> Question:
    """The author (or staff) changes a question; search follows its new words."""
    question = _editable(session, actor, session.get(Question, question_id))
    kb_posts.edit_question(session, question.id, title=title, body=body, tags=split_tags(tags))
    if actor is not None and _holds(session, actor, f"{title}\n{body}"):
        kb_posts.set_question_status(session, question.id, PostStatus.HELD)
    session.commit()
    return question


def edit_answer(session: Session, actor: Actor | None, answer_id: int, body: str) -> Answer:
    """The author (or staff) changes an answer."""
    answer = _editable(session, actor, session.get(Answer, answer_id))
    if answer.question.locked and not (actor and actor.staff):
        raise NotAllowed("This question is locked: its answers can no longer be edited.")
    kb_posts.edit_answer(session, answer.id, body)
    if actor is not None and _holds(session, actor, body):
        kb_posts.set_answer_status(session, answer.id, PostStatus.HELD)
    session.commit()
    return answer


def accept(session: Session, actor: Actor | None, answer_id: int) -> Question:
    """The asker (or staff) marks the answer that solved the question."""
    author = require(actor, "Log in to accept an answer.")
    answer = session.get(Answer, answer_id)
    if answer is None or answer.status != PostStatus.VISIBLE:
        raise NotFound("There is no such answer.")
    question = open_question(session, answer.question_id)
    if not (author.staff or author.wrote(question)):
        raise NotAllowed("Only the person who asked (or staff) can accept an answer.")
    kb_posts.accept_answer(session, answer.id, question.id)
    session.commit()
    return question


def open_question(session: Session, question_id: int) -> Question:
    """A visible question not merged away, or ``NotFound``."""
    question = session.get(Question, question_id)
    if question is None or question.status != PostStatus.VISIBLE or question.merged_into_id:
        raise NotFound("There is no such question, or it is no longer open.")
    return question


def split_tags(text: str) -> list[str]:
    """Tags as typed (commas or spaces between them), checked for count and length."""
    tags = [tag for tag in re.split(r"[,\s]+", text) if tag]
    if len(tags) > MOST_TAGS:
        raise kb_posts.PostError(f"A question has at most {MOST_TAGS} tags.")
    if any(len(tag) > TAG_LENGTH for tag in tags):
        raise kb_posts.PostError(f"A tag is at most {TAG_LENGTH} characters.")
    return tags


def _editable(session: Session, actor: Actor | None, post: P | None) -> P:
    author = require(actor, "Log in to edit.")
    if post is None or post.status == PostStatus.HIDDEN and not author.staff:
        raise NotFound("There is no such post.")
    if not (author.staff or author.wrote(post)):
        raise NotAllowed("Only its author (or staff) can edit a post.")
    if isinstance(post, Question) and post.locked and not author.staff:
        raise NotAllowed("This question is locked: it can no longer be edited.")
    return post


def _holds(session: Session, actor: Actor, text: str) -> bool:
    """Whether a post by ``actor`` with ``text`` waits for a moderator."""
    if actor.member_id is None or not LINK.search(text):
        return False
    return visible_posts(session, actor.member_id) < NEW_MEMBER_POSTS


def visible_posts(session: Session, member_id: int) -> int:
    """How many of the member's posts everyone can see."""
    counts = (
        session.scalar(
            select(func.count()).where(
                model.member_id == member_id, model.status == PostStatus.VISIBLE
            )
        )
        or 0
        for model in (Question, Answer)
    )
    return sum(counts)
