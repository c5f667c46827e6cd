"""The log-in page, log-out, and ``/`` (which sends staff to their page).

Log-ins go through ``app.auth.log_in``: the same throttle and server-side session as the
agent API. The form carries Flask-WTF's CSRF token like every other form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from redis.exceptions import RedisError

from app import auth
from app.login_limits import TooManyAttempts
from app.services.agents import agent_desk
from app.web.guard import home_of, safe_next

bp = Blueprint("login", __name__, template_folder="templates")


@bp.get("/")
def index() -> Any:
    """Staff go to their page; anyone else to the log-in form."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user.role))
    return redirect(url_for("login.page"))


@bp.get("/login")
def page() -> Any:
    """The log-in form (or, when already logged in, the role's page)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_of(current_user.role))
    return render_template("login/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
def log_in() -> Any:
    """Check the email and password; on success go to the page asked for, or the role's."""
    email = request.form.get("email", "").strip()
    target = safe_next(request.form.get("next"))
    try:
        user = auth.log_in(email, request.form.get("password", ""))
    except TooManyAttempts as error:
        minutes = max(1, round(error.retry_after / 60))
        message = f"Too many failed log-ins. Wait {_minutes(minutes)} and try again."
        return _form(message, email, target, 429, retry_after=error.retry_after)
    except RedisError:
        message = "Log-in is unavailable for a moment (the live store does not answer)."
        return _form(message, email, target, 503)
    if user is None:
        return _form("Wrong email or password.", email, target, 401)
    return redirect(target or home_of(user.role))


@bp.post("/logout")
def log_out() -> Any:
    """End the session on the server; an agent goes offline first so no call rings nobody."""
    if current_user.is_authenticated:
        if current_user.user.agent is not None:
            agent_desk.set_presence(current_user.user.agent, "offline")
        auth.log_out()
    return redirect(url_for("login.page", out=1))


def _form(message: str, email: str, target: str | None, status: int, retry_after: int = 0) -> Any:
    html = render_template("login/login.html", error=message, email=email, next=target)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return html, status, headers


def _minutes(count: int) -> str:
    return "one minute" if count == 1 else f"{count} minutes"
