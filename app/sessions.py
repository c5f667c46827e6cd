"""Browser sessions for staff, and none for Twilio's webhooks.

The session is Flask's signed cookie (the CSRF token, Flask-Login's user id) plus a random
session id whose record in Redis (``app.session_store``) decides whether it still logs
anyone in: logging out, a new password or a deactivated login ends it on the server, and it
ends by itself when idle too long or past its lifetime. The cookie is HttpOnly and
SameSite=Lax, and Secure in production.

Twilio sends no cookies and webhooks never read a session, so they skip the work of
opening and signing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from app.session_store import SessionStore

WEBHOOK_PREFIXES = ("/voice/", "/sms/")
# The signed cookie's key for the session id, and the keys of a logged-in session.
SESSION_ID = "_session_id"
LOGGED_IN_KEYS = (SESSION_ID, "_user_id", "_fresh", "_id")
# Set on a view that only watches (a live stream): its requests do not renew the session.
WATCHING = "helpline_watching"

F = TypeVar("F", bound=Callable[..., Any])


class WebhookAwareSessionInterface(SecureCookieSessionInterface):
    """The usual signed-cookie session, except on webhook URLs."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(WEBHOOK_PREFIXES):
            return self.null_session_class()
        return super().open_session(app, request)


def init_sessions(app: Flask) -> None:
    """The session cookie's flags and the Redis store of session records."""
    app.session_interface = WebhookAwareSessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        # Lax: sent when a person follows a link here, not with another site's posts.
        SESSION_COOKIE_SAMESITE="Lax",
        # Production is served over HTTPS (Twilio requires it); a local run is plain HTTP.
        SESSION_COOKIE_SECURE=app.config["HELPLINE_ENV"] == "production",
    )
    app.extensions["sessions.store"] = SessionStore(
        app.extensions["redis"],
        idle=float(app.config["SESSION_IDLE_TIMEOUT"]),
        lifetime=float(app.config["SESSION_LIFETIME"]),
    )


def session_store() -> SessionStore:
    """The current app's store of session records."""
    store: SessionStore = current_app.extensions["sessions.store"]
    return store


def start_session(user_id: int) -> None:
    """Give this browser a new session for ``user_id``, ending any it had."""
    end_session()
    session[SESSION_ID] = session_store().start(user_id)


def watching(view: F) -> F:
    """Mark ``view`` as one that only watches: a page left open on it is idle all the same,
    so its session still ends after ``SESSION_IDLE_TIMEOUT`` without other use."""
    setattr(view, WATCHING, True)
    return view


def session_alive(user_id: int) -> bool:
    """Whether this browser's session still logs ``user_id`` in (renewing it if so, unless
    the view only watches)."""
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        store = session_store()
        if store.alive(session_id, user_id) if _watching() else store.touch(session_id, user_id):
            return True
    _forget_login()
    return False


def session_check(user_id: int) -> Callable[[], bool]:
    """A check, usable after this request's context is gone, that this browser's session
    still logs ``user_id`` in; it never renews the session."""
    store, session_id = session_store(), session.get(SESSION_ID)
    return lambda: isinstance(session_id, str) and store.alive(session_id, user_id)


def _watching() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, WATCHING, False))


def end_session() -> None:
    """End this browser's session on the server (log-out): copies of its cookie die too."""
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        session_store().end(session_id)
    _forget_login()


def _forget_login() -> None:
    # The browser's cookie is rewritten without the login, so it stops presenting one.
    for key in LOGGED_IN_KEYS:
        session.pop(key, None)
