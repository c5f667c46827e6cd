"""The demo community: members, a few hundred questions in English and Spanish with
answers, votes and accepted answers, generated (seeded) from ``community_topics``.

Loaded once: when the demo members exist, nothing is added. Questions are written as the
posts functions write them and indexed for search in one go at the end.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.demo.community_topics import EN, ES, SLOTS, Topic
from app.models import Answer, Member, Question, Role, User, Vote
from app.services.community.kb_indexing import reindex
from app.services.community.kb_posts import slugify, tag_text
from knowledge_base import analyze

SEED = 12
EMAIL_DOMAIN = "community.example"
QUESTIONS = {"en": 260, "es": 110}
MEMBER_NAMES = (
    "Lucia R", "Tom B", "Priya K", "Marco", "Jen W", "Diego F", "Aisha", "Sam T", "Olga P",
    "Kenji", "Rosa M", "Liam O", "Fatima Z", "Noah", "Carmen L", "Ethan", "Sofia G", "Yusuf",
    "Grace H", "Pablo", "Mei", "Jonas", "Valentina", "Chris D", "Hana", "Mateo", "Zoe",
    "Andrés", "Nadia", "Owen", "Isabel", "Ravi", "Elena V", "Luis", "Amara", "Felix",
)  # fmt: skip


@dataclass
class CommunityCounts:
    """What the demo community load created."""

    members: int = 0
    questions: int = 0
    answers: int = 0
    votes: int = 0
    accepted: int = 0
    login: tuple[str, str] | None = None  # one member's email and password, shown once


def load_community(session: Session, now: datetime) -> CommunityCounts:
    """Create the demo community unless it is there already."""
    counts = CommunityCounts()
    if session.scalar(select(Member.id).where(Member.email.like(f"%@{EMAIL_DOMAIN}"))):
        return counts
    rng = random.Random(SEED)
    members, counts.login = _members(session)
    staff = list(session.scalars(select(User.id).where(User.role != Role.ADMIN).limit(6)))
    topics: dict[str, Topic] = {}  # by title
    for language, count in QUESTIONS.items():
        topics |= _questions(rng, language, count, members, now, session)
    questions = list(session.scalars(select(Question).where(Question.title.in_(topics))))
    questions.sort(key=lambda q: q.id)
    answers = [a for q in questions for a in _answers(rng, q, topics[q.title], members, staff, now)]
    session.add_all(answers)
    session.flush()
    counts.votes = _vote(session, rng, questions, answers, members)
    counts.accepted = _accept(rng, questions, answers)
    reindex(session, questions)
    counts.members, counts.questions, counts.answers = len(members), len(questions), len(answers)
    return counts


def _members(session: Session) -> tuple[list[Member], tuple[str, str]]:
    # One password hash for all (hashing is slow on purpose); only the first is told.
    password = secrets.token_urlsafe(12)
    first = Member(name=MEMBER_NAMES[0], email=f"lucia@{EMAIL_DOMAIN}")
    first.set_password(password)
    members = [first] + [
        Member(
            name=name,
            email=f"{slugify(name)}@{EMAIL_DOMAIN}",
            password_hash=first.password_hash,
        )
        for name in MEMBER_NAMES[1:]
    ]
    session.add_all(members)
    session.flush()
    return members, (first.email, password)


def _questions(
    rng: random.Random,
    language: str,
    count: int,
    members: list[Member],
    now: datetime,
    session: Session,
) -> dict[str, Topic]:
    """Questions in ``language``, added and flushed; each title's topic."""
    topics, slots = (EN if language == "en" else ES), SLOTS[language]
    made: dict[str, Topic] = {}
    for _ in range(count * 8):
        if len(made) == count:
            break
        topic = rng.choice(topics)
        title = _fill(rng, rng.choice(topic.questions), slots)
        if title in made:
            continue
        body = (
            _fill(rng, rng.choice(topic.details), slots)
            if topic.details and rng.random() < 0.6
            else ""
        )
        made[title] = topic
        question = Question(
            title=title,
            body=body,
            slug=slugify(title),
            language=language,
            tags=tag_text(topic.tags),
            member_id=rng.choice(members).id,
            created_at=now - timedelta(days=rng.uniform(1, 180)),
            score=0,
        )
        question.updated_at = question.created_at
        session.add(question)
    session.flush()
    return made


def _answers(
    rng: random.Random,
    question: Question,
    topic: Topic,
    members: list[Member],
    staff: list[int],
    now: datetime,
) -> list[Answer]:
    slots = SLOTS[question.language]
    if rng.random() < 0.12:
        return []  # some questions wait for an answer
    # Members answer what was asked: an answer shares at least two words with the question
    # (stems, stop words aside); a question none fits is answered by staff alone.
    fitting = [t for t in topic.answers if _fits(question.title, t, question.language)]
    texts = rng.sample(fitting, rng.randint(1, len(fitting))) if fitting else []
    authors = rng.sample([m for m in members if m.id != question.member_id], len(texts))
    made = [
        Answer(question_id=question.id, body=_fill(rng, text, slots), member_id=author.id, score=0)
        for text, author in zip(texts, authors, strict=True)
    ]
    if staff and (not fitting or rng.random() < 0.6):
        made.append(
            Answer(
                question_id=question.id,
                body=topic.official,
                official=True,
                author_id=rng.choice(staff),
            )
        )
    for answer in made:
        answer.created_at = min(now, question.created_at + timedelta(hours=rng.uniform(0.5, 96)))
        answer.updated_at = answer.created_at
    return made


def _vote(
    session: Session,
    rng: random.Random,
    questions: list[Question],
    answers: list[Answer],
    members: list[Member],
) -> int:
    rows: list[dict[str, int]] = []
    for post, column in [(q, "question_id") for q in questions] + [
        (a, "answer_id") for a in answers
    ]:
        voters = [m.id for m in members if m.id != post.member_id]
        for voter in rng.sample(voters, rng.choice((0, 1, 2, 3, 5, 8))):
            value = 1 if rng.random() < 0.88 else -1
            post.score += value
            rows.append({"member_id": voter, column: post.id, "value": value})
    for row in rows:
        row.setdefault("question_id", None)  # type: ignore[arg-type]
        row.setdefault("answer_id", None)  # type: ignore[arg-type]
    if rows:
        session.execute(insert(Vote), rows)
    return len(rows)


def _accept(rng: random.Random, questions: list[Question], answers: list[Answer]) -> int:
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    accepted = 0
    for question in questions:
        own = by_question.get(question.id)
        if own and rng.random() < 0.6:
            question.accepted_answer_id = max(own, key=lambda a: (a.official, a.score)).id
            accepted += 1
    return accepted


def _fits(question: str, answer: str, language: str) -> bool:
    asked = set(analyze(question, language).terms)
    return len(asked & set(analyze(answer, language).terms)) >= 2


def _fill(rng: random.Random, template: str, slots: dict[str, tuple[str, ...]]) -> str:
    return template.format(**{name: rng.choice(values) for name, values in slots.items()})
