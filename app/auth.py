"""Staff logins: log in and out, Flask-Login on server-ended sessions, CSRF protection.

``log_in`` and ``log_out`` are what every way of logging in uses (the agent API today, the
``/login`` page later): failed log-ins are throttled (``app.login_limits``), and the
session's record in Redis (``app.sessions``) is started and ended, so a log-out ends the
session for every copy of its cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, jsonify, render_template, request
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from app.login_limits import client_address, login_limits
from app.models import Role, User
from app.sessions import end_session, session_alive, start_session

login_manager = LoginManager()
csrf = CSRFProtect()

F = TypeVar("F", bound=Callable[..., Any])


class StaffUser:
    """The logged-in staff member as Flask-Login sees them."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = user.id
        self.is_authenticated = True
        self.is_active = user.active
        self.is_anonymous = False

    def get_id(self) -> str:
        return str(self.user.id)

    @property
    def role(self) -> Role:
        return self.user.role


def init_auth(app: Flask) -> None:
    """Sessions for staff, and CSRF checks on every state-changing request but webhooks."""
    login_manager.init_app(app)
    # The token lives as long as the session (which Redis ends), not Flask-WTF's default
    # hour: a console that fetched it at log-in must not fail its heartbeats an hour later.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, _csrf_error)


def log_in(email: str, password: str) -> User | None:
    """The user with these credentials, now logged in with a new session; None if wrong.

    ``TooManyAttempts`` once failures for this email or this client used up a limit.
    """
    from app.services.agents.agent_desk import authenticate

    limits, address = login_limits(), client_address()
    limits.check(email, address)
    user = authenticate(email, password)
    if user is None:
        limits.count_failure(email, address)
        return None
    start_session(user.id)
    login_user(StaffUser(user))
    return user


def log_out() -> None:
    """End this browser's session, on the server too."""
    logout_user()
    end_session()


@login_manager.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    from app.extensions import db

    # The session's record in Redis, not the cookie's signature, says whether it still
    # logs anyone in; a Redis that does not answer raises (a 503, never a guess).
    if not user_id.isdigit() or not session_alive(int(user_id)):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        end_session()
        return None
    return StaffUser(user)


@login_manager.unauthorized_handler
def _unauthorized() -> tuple[Any, int]:
    return jsonify(error="log in first"), 401


def _csrf_error(error: CSRFError) -> tuple[Any, int]:
    if request.path.startswith("/api/"):
        return jsonify(error=f"CSRF check failed: {error.description}"), 400
    # A form posted from a page left open past its session, or from another site.
    return render_template("expired.html", reason=error.description), 400


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow a view only to logged-in staff with one of ``roles`` (403 otherwise)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _unauthorized()
            if current_user.role not in roles:
                return jsonify(error="not allowed for your role"), 403
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate
