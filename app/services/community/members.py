"""Community members: signing up and checking a member's password.

Members are not staff: they live in ``members``, never in ``users``, and no member login
opens the console. Emails are kept lower-cased, so one address signs up once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Member
from app.models.members import EMAIL_LENGTH, NAME_LENGTH
from app.services.community.errors import CommunityError

MIN_PASSWORD = 10
MAX_PASSWORD = 200
# Letters of any language, digits, spaces, dots, hyphens, apostrophes: a name, not markup.
NAME = re.compile(rf"^[\w][\w .'-]{{1,{NAME_LENGTH - 1}}}$")
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


class SignUpError(CommunityError):
    """A sign-up refused; the message says which field and why."""


def sign_up(session: Session, name: str, email: str, password: str) -> Member:
    """A new member, committed; ``SignUpError`` when a field is wrong or taken."""
    name, email = " ".join(name.split()), email.strip().lower()
    _check(name, email, password)
    if session.scalar(select(Member.id).where(Member.email == email)) is not None:
        raise SignUpError("That email already has a member account; log in instead.")
    if session.scalar(select(Member.id).where(func.lower(Member.name) == name.lower())):
        raise SignUpError("That name is taken; choose another.")
    member = Member(name=name, email=email)
    member.set_password(password)
    session.add(member)
    try:
        session.commit()
    except IntegrityError:  # the same email or name signed up a moment ago
        session.rollback()
        raise SignUpError("That email or name is taken; choose another.") from None
    return member


def authenticate(session: Session, email: str, password: str) -> Member | None:
    """The active member with this email and password, else None."""
    member = session.scalar(select(Member).where(Member.email == email.strip().lower()))
    if member is None or not member.active or len(password) > MAX_PASSWORD:
        return None
    return member if member.check_password(password) else None


def active_member(session: Session, member_id: int) -> Member | None:
    """The member with this id if still active."""
    member = session.get(Member, member_id)
    return member if member is not None and member.active else None


def member_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Members' display names by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Member.id, Member.name).where(Member.id.in_(wanted))).all())


def _check(name: str, email: str, password: str) -> None:
    if not NAME.match(name):
        raise SignUpError(
            f"A name is 2 to {NAME_LENGTH} letters, digits, spaces, dots, hyphens or "
            "apostrophes, starting with a letter or digit."
        )
    if len(email) > EMAIL_LENGTH or not EMAIL.match(email):
        raise SignUpError("Enter an email address like name@example.com.")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise SignUpError(
            f"A password is {MIN_PASSWORD} to {MAX_PASSWORD} characters; a few words make one."
        )
