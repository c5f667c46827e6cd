"""Staff moderate: the flag queue, hide, restore, approve held posts, lock, merge."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Flag, Phrasing, PostStatus, Question, Role
from app.services.community import kb_search
from tests.functional.community import Visitor, member, question_of, staff


def test_the_moderation_page_is_for_staff_only(app):
    assert Visitor.of(app).get("/community/moderation").status_code == 302
    assert member(app, "Lucia").get("/community/moderation").status_code == 403
    assert staff(app, role=Role.AGENT).get("/community/moderation").status_code == 200


def test_flagged_posts_wait_in_the_queue_until_staff_hide_them(app):
    question = question_of(member(app, "Lucia").ask("Buy followers cheap"))
    member(app, "Tom").post(f"/community/question/{question.id}/flag", {"reason": "spam"})
    sam = staff(app)

    queue = sam.text("/community/moderation")
    hidden = sam.post(f"/community/question/{question.id}/hide")

    assert "Buy followers cheap" in queue and "spam" in queue
    assert hidden.status_code == 303
    assert "No open flags" in sam.text("/community/moderation")
    assert Visitor.of(app).get(f"/community/q/{question.id}").status_code == 404
    assert kb_search.search(db.session, "buy followers") == []
    assert db.session.scalars(select(Flag)).one().resolved_by is not None
    assert db.session.scalars(select(AuditEntry.action)).all() == ["community.hidden"]


def test_staff_restore_a_hidden_post_and_dismiss_wrong_flags(app):
    question = question_of(member(app, "Lucia").ask("Is roaming free in Spain?"))
    member(app, "Tom").post(f"/community/question/{question.id}/flag", {"reason": "dunno"})
    sam = staff(app)
    sam.post(f"/community/question/{question.id}/hide")

    restored = sam.post(f"/community/question/{question.id}/restore")
    dismissed = sam.post(f"/community/question/{question.id}/dismiss")

    assert restored.status_code == dismissed.status_code == 303
    assert Visitor.of(app).get(f"/community/q/{question.id}").status_code == 301
    assert [r.question_id for r in kb_search.search(db.session, "roaming spain")] == [question.id]


def test_staff_approve_a_held_post(app):
    question = question_of(member(app, "Lucia").ask("Roaming prices", "https://example.com"))
    sam = staff(app)
    assert "Roaming prices" in sam.text("/community/moderation")

    sam.post(f"/community/question/{question.id}/restore", {"next": "/community/moderation"})

    db.session.expire_all()
    assert db.session.get(Question, question.id).status == PostStatus.VISIBLE
    assert "Nothing is waiting" in sam.text("/community/moderation")


def test_members_cannot_moderate(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")

    codes = [
        tom.post(f"/community/question/{question.id}/{action}").status_code
        for action in ("hide", "restore", "lock", "dismiss")
    ]
    merge = tom.post(f"/community/question/{question.id}/merge", {"into": "1"})

    assert codes == [403] * 4 and merge.status_code == 403


def test_merging_a_duplicate_makes_its_title_a_phrasing_of_the_kept_question(app):
    lucia = member(app, "Lucia")
    kept = question_of(lucia.ask("How do I activate my eSIM?"))
    duplicate = question_of(lucia.ask("QR code for the digital SIM will not scan"))
    sam = staff(app)

    response = sam.post(
        f"/community/question/{duplicate.id}/merge", {"into": f"/community/q/{kept.id}-x"}
    )

    assert response.status_code == 303 and response.location.startswith(f"/community/q/{kept.id}-")
    phrasings = db.session.scalars(select(Phrasing.text).where(Phrasing.question_id == kept.id))
    assert list(phrasings) == ["QR code for the digital SIM will not scan"]
    assert [r.question_id for r in kb_search.search(db.session, "digital SIM QR code")] == [kept.id]
    assert Visitor.of(app).get(f"/community/q/{duplicate.id}").status_code == 301


def test_merging_into_itself_or_nothing_is_refused(app):
    question = question_of(member(app, "Lucia").ask("How do I activate my eSIM?"))
    sam = staff(app)

    itself = sam.post(f"/community/question/{question.id}/merge", {"into": str(question.id)})
    nothing = sam.post(f"/community/question/{question.id}/merge", {"into": "not a number"})
    missing = sam.post(f"/community/question/{question.id}/merge", {"into": "424242"})

    assert (itself.status_code, nothing.status_code, missing.status_code) == (400, 400, 404)


def test_a_locked_question_takes_no_edits_from_its_author(app):
    lucia = member(app, "Lucia")
    question = question_of(lucia.ask("Why is my bill higher?"))
    staff(app).post(f"/community/question/{question.id}/lock")

    response = lucia.post(f"/community/q/{question.id}/edit", {"title": "Changed", "body": ""})

    assert response.status_code == 403
