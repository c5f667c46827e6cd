"""Members sign up, log in and log out here; staff use ``/login`` as for the console."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from redis.exceptions import RedisError

from app.community.identity import log_in_member, log_out_member
from app.community.limits import TooFast, community_limits
from app.community.routes import bp
from app.extensions import db
from app.login_limits import TooManyAttempts, client_address, login_limits
from app.services.community import members
from app.web.guard import safe_next


@bp.get("/join")
def join_form() -> Any:
    """The sign-up form."""
    return render_template("community/join.html", form={}, next=safe_next(request.args.get("next")))


@bp.post("/join")
def join() -> Any:
    """Sign up (a few per client address per hour) and be logged in."""
    form = {name: request.form.get(name, "") for name in ("name", "email")}
    target = safe_next(request.form.get("next"))
    try:
        community_limits().hit("signup", client_address(), "signed up")
        member = members.sign_up(db.session, password=request.form.get("password", ""), **form)
    except (members.SignUpError, TooFast) as error:
        html = render_template("community/join.html", form=form, error=str(error), next=target)
        return html, error.status
    log_in_member(member)
    flash(f"Welcome, {member.name}! You can ask, answer and vote now.")
    return redirect(target or url_for("community.index"), 303)


@bp.get("/login")
def login_form() -> Any:
    """The members' log-in form."""
    return render_template(
        "community/login.html", email="", next=safe_next(request.args.get("next"))
    )


@bp.post("/login")
def log_in() -> Any:
    """Log a member in; failures count toward the same throttle as staff log-ins."""
    email, password = request.form.get("email", "").strip(), request.form.get("password", "")
    target = safe_next(request.form.get("next"))
    limits, address = login_limits(), client_address()
    try:
        limits.check(email, address)
    except TooManyAttempts as error:
        message = "Too many failed log-ins. Wait a few minutes and try again."
        return _login_again(email, target, message, 429, error.retry_after)
    except RedisError:
        return _login_again(email, target, "Log-in is unavailable for a moment.", 503)
    member = members.authenticate(db.session, email, password)
    if member is None:
        limits.count_failure(email, address)
        return _login_again(email, target, "Wrong email or password.", 401)
    log_in_member(member)
    return redirect(target or url_for("community.index"), 303)


@bp.post("/logout")
def log_out() -> Any:
    """End the member's session, on the server too."""
    log_out_member()
    flash("You are logged out.")
    return redirect(url_for("community.index"), 303)


def _login_again(email: str, target: str | None, message: str, status: int, retry: int = 0) -> Any:
    html = render_template("community/login.html", email=email, next=target, error=message)
    return html, status, ({"Retry-After": str(retry)} if retry else {})
