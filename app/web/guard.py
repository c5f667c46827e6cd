"""The page guard: staff pages send the logged-out to ``/login`` and the wrong role to 403.

JSON endpoints use ``app.auth.role_required`` (401 and 403 as JSON) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.models import Role

F = TypeVar("F", bound=Callable[..., Any])

# Where each role starts its day after logging in.
HOMES = {
    Role.AGENT: "console.page",
    Role.SUPERVISOR: "supervisor.page",
    Role.ADMIN: "supervisor.page",
}


def home_of(role: Role) -> str:
    """The URL of the page this role works in."""
    return url_for(HOMES.get(role, "console.page"))


def page_for(*roles: Role) -> Callable[[F], F]:
    """Serve a page only to logged-in staff with one of ``roles``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("login.page", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                return render_template("forbidden.html"), 403
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
