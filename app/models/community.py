"""The community knowledge base: questions, answers, other phrasings, learned pairings."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, str_enum, utcnow

TITLE_LENGTH = 300
TAGS_LENGTH = 300


class PostStatus(enum.StrEnum):
    """Who sees a post: everyone, staff only (hidden), or nobody until moderated (held)."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    HELD = "held"


class PhrasingSource(enum.StrEnum):
    """Where another phrasing of a question came from."""

    MANUAL = "manual"
    MERGED = "merged"  # the title of a duplicate merged into the question
    DEFLECTION = "deflection"  # a query the question's answer solved
    IMPORT = "import"


class Question(Base):
    """A question asked in the community (or imported); search finds it by its words."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str] = mapped_column(Text, default="")
    slug: Mapped[str] = mapped_column(String(TITLE_LENGTH), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    tags: Mapped[str] = mapped_column(String(TAGS_LENGTH), default="")  # comma-separated
    author_id: Mapped[int | None] = mapped_column(default=None)
    staff: Mapped[bool] = mapped_column(Boolean, default=False)
    # The community member who asked (None for staff and imports); see app.models.members.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, default=None
    )
    status: Mapped[PostStatus] = mapped_column(
        str_enum(PostStatus, "post_status"), default=PostStatus.VISIBLE
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None
    )
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="SET NULL", use_alter=True), default=None
    )
    score: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="question", foreign_keys="Answer.question_id", order_by="Answer.id"
    )
    phrasings: Mapped[list[Phrasing]] = relationship(
        back_populates="question", order_by="Phrasing.id"
    )


class Answer(Base):
    """An answer to a question; staff answers are official."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(default=None)
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, default=None
    )
    status: Mapped[PostStatus] = mapped_column(
        str_enum(PostStatus, "post_status"), default=PostStatus.VISIBLE
    )
    score: Mapped[int] = mapped_column(default=0)  # votes up minus votes down
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="answers", foreign_keys=[question_id])


class Phrasing(Base):
    """Another way to ask a question, searched as the question itself is."""

    __tablename__ = "question_phrasings"
    __table_args__ = (UniqueConstraint("question_id", "text", name="uq_question_phrasings_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    source: Mapped[PhrasingSource] = mapped_column(str_enum(PhrasingSource, "phrasing_source"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="phrasings")


class LearnedPairing(Base):
    """What outcomes taught: this query (its key) and this question, + solved, - false."""

    __tablename__ = "learned_pairings"
    __table_args__ = (
        UniqueConstraint("query_key", "question_id", name="uq_learned_pairings_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    query_key: Mapped[str] = mapped_column(String(255))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    solved: Mapped[int] = mapped_column(default=0)
    false: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
