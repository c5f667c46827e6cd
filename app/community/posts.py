"""Writing in the community: ask, answer, edit, vote, accept, flag (all forms, all POST).

Every form works without JavaScript; each write is rate-limited per member (staff are not
limited) and answers with a redirect to the question, or the form again with the reason.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app.community.identity import current_actor
from app.community.limits import community_limits
from app.community.routes import bp, question_url
from app.extensions import db
from app.models import Answer, PostStatus, Question
from app.services.community import moderation, posting, votes
from app.services.community.actors import Actor, require
from app.services.community.errors import CommunityError, NotAllowed, NotFound
from app.services.community.kb_posts import PostError
from app.services.community.question_page import find_question, question_page

HELD = "Thanks! Your post has links, so a moderator checks it before others can see it."


@bp.get("/ask")
def ask_form() -> Any:
    """The ask form (members and staff; others are asked to log in or sign up), its title
    filled in from ``?title=`` (the supervisor's "answer this in the community")."""
    title = request.args.get("title", "").strip()[:300]
    return render_template("community/ask.html", form={"title": title}, error=None)


@bp.post("/ask")
def ask() -> Any:
    """Post a question; similar ones were shown while it was typed."""
    form = {name: request.form.get(name, "") for name in ("title", "body", "tags")}
    try:
        _count_post(current_actor())
        question = posting.post_question(db.session, current_actor(), **form)
    except (PostError, CommunityError) as error:
        db.session.rollback()
        status = getattr(error, "status", 400)
        return render_template("community/ask.html", form=form, error=str(error)), status
    if question.status == PostStatus.HELD:
        flash(HELD)
    return redirect(question_url(question), 303)


@bp.post("/q/<int:question_id>/answers")
def answer(question_id: int) -> Any:
    """Post an answer to a question."""
    body = request.form.get("body", "")
    try:
        _count_post(current_actor())
        written = posting.post_answer(db.session, current_actor(), question_id, body)
    except (PostError, CommunityError) as error:
        db.session.rollback()
        status = getattr(error, "status", 400)
        if isinstance(error, NotFound):
            raise
        return _answer_again(question_id, body, str(error), status)
    if written.status == PostStatus.HELD:
        flash(HELD)
    return redirect(f"{question_url(written.question)}#answer-{written.id}", 303)


@bp.route("/q/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int) -> Any:
    """The author (or staff) edits a question."""
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound("There is no such question.")
    if request.method == "GET":
        _may_edit(question)
        form = {
            "title": question.title,
            "body": question.body,
            "tags": " ".join(question.tags.split(",")),
        }
        return render_template("community/edit.html", kind="question", post=question, form=form)
    form = {name: request.form.get(name, "") for name in ("title", "body", "tags")}
    try:
        posting.edit_question(db.session, current_actor(), question_id, **form)
    except PostError as error:
        db.session.rollback()
        page = render_template(
            "community/edit.html", kind="question", post=question, form=form, error=str(error)
        )
        return page, 400
    return redirect(question_url(question), 303)


@bp.route("/a/<int:answer_id>/edit", methods=["GET", "POST"])
def edit_answer(answer_id: int) -> Any:
    """The author (or staff) edits an answer."""
    written = db.session.get(Answer, answer_id)
    if written is None:
        raise NotFound("There is no such answer.")
    if request.method == "GET":
        _may_edit(written)
        return render_template(
            "community/edit.html", kind="answer", post=written, form={"body": written.body}
        )
    form = {"body": request.form.get("body", "")}
    try:
        posting.edit_answer(db.session, current_actor(), answer_id, form["body"])
    except PostError as error:
        db.session.rollback()
        page = render_template(
            "community/edit.html", kind="answer", post=written, form=form, error=str(error)
        )
        return page, 400
    return redirect(f"{question_url(written.question)}#answer-{written.id}", 303)


@bp.post("/<any(question, answer):kind>/<int:post_id>/vote")
def vote(kind: str, post_id: int) -> Any:
    """A member votes a question or answer up or down."""
    votes.vote(db.session, current_actor(), kind, post_id, request.form.get("direction", ""))  # type: ignore[arg-type]
    return redirect(_back_to(kind, post_id), 303)


@bp.post("/answer/<int:answer_id>/accept")
def accept(answer_id: int) -> Any:
    """The asker (or staff) accepts an answer."""
    question = posting.accept(db.session, current_actor(), answer_id)
    return redirect(f"{question_url(question)}#answer-{answer_id}", 303)


@bp.post("/<any(question, answer):kind>/<int:post_id>/flag")
def flag(kind: str, post_id: int) -> Any:
    """A member flags a post for the moderators."""
    actor = current_actor()
    if actor is not None and actor.member_id is not None:
        community_limits().hit("flag", str(actor.member_id), "flagged posts")
    moderation.flag(db.session, actor, kind, post_id, request.form.get("reason", ""))  # type: ignore[arg-type]
    flash("Thanks: a moderator will look at it.")
    return redirect(_back_to(kind, post_id), 303)


def _count_post(actor: Actor | None) -> None:
    author = require(actor, "Log in or sign up to post.")
    if author.member_id is not None:
        community_limits().hit("post", str(author.member_id), "posted")


def _may_edit(post: Question | Answer) -> None:
    actor = require(current_actor(), "Log in to edit.")
    if not (actor.staff or actor.wrote(post)):
        raise NotAllowed("Only its author (or staff) can edit a post.")


def _back_to(kind: str, post_id: int) -> str:
    if kind == "question":
        question = db.session.get(Question, post_id)
        anchor = ""
    else:
        written = db.session.get(Answer, post_id)
        question, anchor = (written.question if written else None), f"#answer-{post_id}"
    return question_url(question) + anchor if question else url_for("community.index")


def _answer_again(question_id: int, body: str, message: str, status: int) -> Any:
    question = find_question(db.session, question_id, current_actor())
    if question is None:
        raise NotFound("There is no such question.")
    page = question_page(db.session, question, current_actor())
    html = render_template(
        "community/question.html", page=page, ld=None, answer_body=body, answer_error=message
    )
    return html, status
