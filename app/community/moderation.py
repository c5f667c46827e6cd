"""Moderation by staff: the flag queue and held posts; hide, restore, lock, merge."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app.community.identity import current_actor
from app.community.routes import bp, question_url
from app.extensions import db
from app.models import PostStatus
from app.services.community import moderation, pages
from app.services.community.actors import require_staff
from app.services.community.errors import CommunityError
from app.web.guard import safe_next

STATUSES = {"hide": PostStatus.HIDDEN, "restore": PostStatus.VISIBLE}


@bp.get("/moderation")
def moderation_page() -> Any:
    """Open flags and held posts (staff only; others are sent to log in or refused)."""
    actor = current_actor()
    if actor is None or not actor.staff:
        if actor is None:
            return redirect(url_for("login.page", next=request.path))
        require_staff(actor)
    questions, answers = pages.held_posts(db.session)
    return render_template(
        "community/moderation.html",
        flags=pages.flag_queue(db.session),
        held_questions=questions,
        held_answers=answers,
    )


@bp.post("/<any(question, answer):kind>/<int:post_id>/<any(hide, restore):action>")
def set_status(kind: str, post_id: int, action: str) -> Any:
    """Hide a post, or restore it (approving a held one)."""
    question = moderation.set_status(db.session, current_actor(), kind, post_id, STATUSES[action])  # type: ignore[arg-type]
    flash(f"The {kind} is {'hidden' if action == 'hide' else 'visible again'}.")
    return redirect(safe_next(request.form.get("next")) or question_url(question), 303)


@bp.post("/question/<int:question_id>/<any(lock, unlock):action>")
def lock(question_id: int, action: str) -> Any:
    """Lock a question against new answers and edits, or unlock it."""
    question = moderation.set_locked(db.session, current_actor(), question_id, action == "lock")
    flash(f"The question is {action}ed.")
    return redirect(question_url(question), 303)


@bp.post("/question/<int:question_id>/merge")
def merge(question_id: int) -> Any:
    """Merge this question (a duplicate) into another, given by its id or address."""
    into = _question_id(request.form.get("into", ""))
    if into is None:
        raise CommunityError("Give the number (or the address) of the question to keep.")
    kept = moderation.merge(db.session, current_actor(), question_id, into)
    flash(f"Question {question_id} is merged into this one.")
    return redirect(question_url(kept), 303)


@bp.post("/<any(question, answer):kind>/<int:post_id>/dismiss")
def dismiss(kind: str, post_id: int) -> Any:
    """The flags on a post were wrong: clear them."""
    moderation.dismiss_flags(db.session, current_actor(), kind, post_id)  # type: ignore[arg-type]
    flash("Flags dismissed.")
    return redirect(url_for("community.moderation_page"), 303)


def _question_id(text: str) -> int | None:
    """A question's id from ``12`` or an address like ``/community/q/12-some-title``."""
    last = text.strip().rstrip("/").rsplit("/", 1)[-1]
    number = last.split("-", 1)[0]
    return int(number) if number.isdigit() and len(number) < 12 else None
