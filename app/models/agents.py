"""People who log in (users) and the routing profile of those who take contacts (agents)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, str_enum, utcnow


class Role(enum.StrEnum):
    """What a user may do."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(Base):
    """Someone who logs in to the console or the supervisor pages."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.AGENT)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped[Agent | None] = relationship(back_populates="user")

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``; the password itself is never kept."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class Agent(Base):
    """The routing profile of a user who answers calls and texts."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Language codes the agent can serve in, e.g. ["en", "es"].
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone_number: Mapped[str | None] = mapped_column(String(16))
    client_identity: Mapped[str | None] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship(back_populates="agent")
    skills: Mapped[list[AgentSkill]] = relationship(
        back_populates="agent", cascade="all, delete-orphan", order_by="AgentSkill.skill"
    )

    @property
    def name(self) -> str:
        """The agent's display name."""
        return self.user.name

    def proficiency(self, skill: str) -> int:
        """The agent's level in ``skill`` (0 when the agent lacks it)."""
        return next((s.proficiency for s in self.skills if s.skill == skill), 0)


class AgentSkill(Base):
    """A skill an agent has, with a proficiency from 1 (learning) to 5 (expert)."""

    __tablename__ = "agent_skills"
    __table_args__ = (
        UniqueConstraint("agent_id", "skill"),
        CheckConstraint("proficiency BETWEEN 1 AND 5", name="proficiency_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(48))
    proficiency: Mapped[int] = mapped_column(default=3)

    agent: Mapped[Agent] = relationship(back_populates="skills")
