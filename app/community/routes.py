"""Reading the community: browse, search, a question's page, similar questions (JSON).

Writing is in ``app.community.posts``, accounts in ``accounts``, moderation in
``moderation``; they all join this blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from app.community.identity import current_actor, init_member_sessions
from app.community.limits import TooFast, init_community_limits
from app.extensions import db
from app.models import Question
from app.services.community import pages
from app.services.community.errors import CommunityError
from app.services.community.kb_posts import PostError, slugify
from app.services.community.question_page import Moved, find_question, json_ld, question_page

bp = Blueprint("community", __name__, url_prefix="/community", template_folder="templates")


def init_community(app: Flask) -> None:
    """Member sessions and the community's rate limits."""
    init_member_sessions(app)
    init_community_limits(app)


@bp.context_processor
def _community() -> dict[str, Any]:
    return {"actor": current_actor(), "question_url": question_url}


@bp.errorhandler(CommunityError)
@bp.errorhandler(PostError)
def _refused(error: Exception) -> Any:
    db.session.rollback()  # nothing half-done is kept
    status = getattr(error, "status", 400)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooFast) else {}
    return render_template("community/refused.html", message=str(error)), status, headers


@bp.errorhandler(413)
def _too_large(error: Exception) -> Any:
    message = "That was too large to take: a post is at most 20,000 characters."
    return render_template("community/refused.html", message=message), 413


@bp.get("")
def index() -> Any:
    """Questions: newest, unanswered, top or solved, optionally by tag, a page at a time."""
    listing = pages.browse(
        db.session, request.args.get("tab", "newest"), request.args.get("tag", ""), _page()
    )
    return render_template(
        "community/index.html", listing=listing, tags=pages.popular_tags(db.session)
    )


@bp.get("/search")
def search() -> Any:
    """Questions found by the knowledge base's search, best first."""
    text = request.args.get("q", "").strip()[:500]
    found = pages.search(db.session, text) if text else []
    return render_template("community/search.html", q=text, rows=found)


@bp.get("/similar")
def similar() -> Any:
    """Questions like the one being typed (the ask page shows them before posting)."""
    text = request.args.get("q", "").strip()[:500]
    found = pages.search(db.session, text, k=5) if len(text) >= 3 else []
    return jsonify(
        questions=[
            {
                "title": row.title,
                "url": question_url(row),
                "answers": row.answers,
                "solved": row.solved,
            }
            for row in found
        ]
    )


@bp.get("/q/<ident>")
def question(ident: str) -> Any:
    """A question and its answers, at its canonical address (``/q/<id>-<slug>``)."""
    number = ident.split("-", 1)[0]
    if not number.isdigit() or len(number) > 12:
        abort(404)
    try:
        found = find_question(db.session, int(number), current_actor())
    except Moved as moved:
        return redirect(question_url(moved.question), 301)
    if found is None:
        abort(404)
    canonical = question_url(found)
    if request.path != canonical:
        return redirect(canonical, 301)
    page = question_page(db.session, found, current_actor())
    # The address search engines are given: the configured one, never the request's Host.
    base = current_app.config["PUBLIC_BASE_URL"]
    url = base + canonical if base else request.host_url.rstrip("/") + canonical
    return render_template("community/question.html", page=page, ld=json_ld(page, url, url))


def question_url(question: Question | pages.QuestionRow) -> str:
    """The question's readable address: its id, then its title's slug."""
    slug = question.slug or slugify(question.title)
    ident = f"{question.id}-{slug}" if slug else str(question.id)
    return url_for("community.question", ident=ident)


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


from app.community import accounts as _accounts  # noqa: E402, F401  (routes join bp)
from app.community import moderation as _moderation  # noqa: E402, F401
from app.community import posts as _posts  # noqa: E402, F401
