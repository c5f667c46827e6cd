"""Staff logins: Flask-Login sessions and CSRF protection for everything a browser posts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, jsonify
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from app.models import Role, User

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
    csrf.init_app(app)
    app.register_error_handler(CSRFError, _csrf_error)


@login_manager.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    from app.extensions import db

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return StaffUser(user) if user is not None and user.active else None


@login_manager.unauthorized_handler
def _unauthorized() -> tuple[Any, int]:
    return jsonify(error="log in first"), 401


def _csrf_error(error: CSRFError) -> tuple[Any, int]:
    return jsonify(error=f"CSRF check failed: {error.description}"), 400


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
