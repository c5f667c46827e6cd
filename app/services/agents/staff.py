"""Staff logins as operators manage them: a new password, a login turned off or on.

A new password and a deactivated login end every session the user has, so a cookie taken
before (a stolen one among them) stops working at once. The change is committed first: a
session started in between, with the old password, is ended too.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.agents import agent_desk
from app.sessions import session_store


def find_user(email: str) -> User | None:
    """The user with this email (any case, spaces around it ignored), if any."""
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password and end all their sessions."""
    user.set_password(password)
    db.session.commit()
    session_store().end_all(user.id)


def deactivate(user: User) -> None:
    """Turn ``user``'s login off: their sessions end and, if an agent, they go offline."""
    user.active = False
    db.session.commit()
    session_store().end_all(user.id)
    if user.agent is not None:
        agent_desk.set_presence(user.agent, "offline")


def activate(user: User) -> None:
    """Turn ``user``'s login back on; they log in afresh (old sessions stay ended)."""
    user.active = True
    db.session.commit()
