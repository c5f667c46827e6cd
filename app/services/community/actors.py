"""Who is acting on the community pages: a member, a staff user, or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Answer, Question
from app.services.community.errors import NotAllowed


@dataclass(frozen=True, slots=True)
class Actor:
    """A logged-in person: a community member, or staff (whose answers are official)."""

    name: str
    member_id: int | None = None
    user_id: int | None = None

    @property
    def staff(self) -> bool:
        """Staff moderate and answer officially."""
        return self.user_id is not None

    def wrote(self, post: Question | Answer) -> bool:
        """Whether this person is the post's author."""
        if self.member_id is not None:
            return post.member_id == self.member_id
        staff_post = post.staff if isinstance(post, Question) else post.official
        return bool(staff_post) and post.author_id == self.user_id


def require(actor: Actor | None, message: str = "Log in to do that.") -> Actor:
    """The actor, or ``NotAllowed`` for nobody."""
    if actor is None:
        raise NotAllowed(message)
    return actor


def require_member(actor: Actor | None, what: str) -> int:
    """The acting member's id; staff and nobody may not ``what``."""
    if actor is None or actor.member_id is None:
        raise NotAllowed(f"Only community members can {what}; log in as a member.")
    return actor.member_id


def require_staff(actor: Actor | None) -> int:
    """The acting staff user's id, or ``NotAllowed``."""
    if actor is None or actor.user_id is None:
        raise NotAllowed("Only staff can moderate the community.")
    return actor.user_id
