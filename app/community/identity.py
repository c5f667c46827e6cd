"""Who is acting on a community page: staff (their usual log-in), a member, or nobody.

Members log in here, not at ``/login``; their sessions are separate from staff sessions:
their own keys in the Flask session cookie and their own records in Redis (the same
``SessionStore``, other key names), so a member session never opens a staff page and a
log-out here ends it on the server for every copy of the cookie.
"""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_login import current_user

from app.extensions import db
from app.models import Member
from app.services.community.actors import Actor
from app.services.community.members import active_member
from app.session_store import SessionStore

MEMBER_ID = "_member_id"
MEMBER_SESSION = "_member_session"
KEYS = ("helpline:member-session:%s", "helpline:member:%s:sessions")


def init_member_sessions(app: Flask) -> None:
    """The Redis store of member sessions, with the staff sessions' time limits."""
    app.extensions["community.sessions"] = SessionStore(
        app.extensions["redis"],
        idle=float(app.config["SESSION_IDLE_TIMEOUT"]),
        lifetime=float(app.config["SESSION_LIFETIME"]),
        keys=KEYS,
    )


def _store() -> SessionStore:
    store: SessionStore = current_app.extensions["community.sessions"]
    return store


def log_in_member(member: Member) -> None:
    """Start a new member session in this browser, ending any it had."""
    log_out_member()
    session[MEMBER_SESSION] = _store().start(member.id)
    session[MEMBER_ID] = member.id


def log_out_member() -> None:
    """End this browser's member session, on the server too."""
    session_id = session.pop(MEMBER_SESSION, None)
    session.pop(MEMBER_ID, None)
    if isinstance(session_id, str):
        _store().end(session_id)
    g.pop("community_actor", None)


def current_member() -> Member | None:
    """The member this browser's live session logs in, if any."""
    member_id, session_id = session.get(MEMBER_ID), session.get(MEMBER_SESSION)
    if not isinstance(member_id, int) or not isinstance(session_id, str):
        return None
    if not _store().touch(session_id, member_id):
        session.pop(MEMBER_SESSION, None)
        session.pop(MEMBER_ID, None)
        return None
    return active_member(db.session, member_id)


def current_actor() -> Actor | None:
    """Staff when logged in as staff (they act as staff here), else the member, else None."""
    if "community_actor" not in g:
        if current_user.is_authenticated:
            user = current_user.user
            g.community_actor = Actor(name=user.name, user_id=user.id)
        else:
            member = current_member()
            g.community_actor = member and Actor(name=member.name, member_id=member.id)
    actor: Actor | None = g.community_actor
    return actor
