"""Community members (not staff), their votes on posts, and the flags they raise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, utcnow

NAME_LENGTH = 40
EMAIL_LENGTH = 254
REASON_LENGTH = 200
# Exactly one of a vote's or a flag's two post columns names the post.
ONE_POST = "(question_id IS NULL) <> (answer_id IS NULL)"


class Member(Base):
    """Someone who signed up on the community pages: asks, answers, votes, flags.

    Members never log in to the console; staff (``users``) never sign up here.
    """

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)  # lower-cased
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``; the password itself is never kept."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class Vote(Base):
    """One member's vote, up (+1) or down (-1), on one question or answer."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("member_id", "question_id", name="uq_votes_member_question"),
        UniqueConstraint("member_id", "answer_id", name="uq_votes_member_answer"),
        CheckConstraint(ONE_POST, name="one_post"),
        CheckConstraint("value IN (-1, 1)", name="up_or_down"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Flag(Base):
    """A member's report that a post needs a moderator; open until staff resolve it."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("member_id", "question_id", name="uq_flags_member_question"),
        UniqueConstraint("member_id", "answer_id", name="uq_flags_member_answer"),
        CheckConstraint(ONE_POST, name="one_post"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # No foreign key: the staff user who resolved it, kept as the audit log keeps users.
    resolved_by: Mapped[int | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
