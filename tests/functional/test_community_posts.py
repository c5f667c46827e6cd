"""Members and staff write: ask, answer, edit, vote, accept, flag; and what is refused."""

from __future__ import annotations

from sqlalchemy import select

from app.community.limits import init_community_limits
from app.extensions import db
from app.models import Answer, Flag, PostStatus, Question, Vote
from app.services.community import kb_search
from tests.functional.community import Visitor, member, question_of, staff


def test_a_member_asks_and_search_finds_the_question(app):
    lucia = member(app, "Lucia")

    response = lucia.ask(
        "Why is my energy bill estimated?", "No reading since May.", "energy, meter"
    )

    question = question_of(response)
    assert response.status_code == 303 and question.status == PostStatus.VISIBLE
    assert question.tags == "energy,meter" and question.member_id is not None
    assert [r.question_id for r in kb_search.search(db.session, "energy bill estimated")] == [
        question.id
    ]


def test_spanish_questions_are_stored_as_spanish(app):
    response = member(app, "Lucia").ask("¿Cómo envío la lectura del contador de la luz?")

    assert question_of(response).language == "es"


def test_nobody_asks_answers_votes_or_flags_without_logging_in(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    visitor = Visitor.of(app)

    responses = [
        visitor.ask("A question from nobody"),
        visitor.answer(question.id, "An answer from nobody"),
        visitor.vote("question", question.id),
        visitor.post(f"/community/question/{question.id}/flag", {"reason": "spam"}),
        visitor.post(f"/community/q/{question.id}/edit", {"title": "Changed"}),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert "Log in or sign up" in responses[0].get_data(as_text=True)
    assert db.session.scalar(select(Answer.id)) is None


def test_forms_without_the_csrf_token_change_nothing(app):
    lucia = member(app, "Lucia")

    response = lucia.post("/community/ask", {"title": "Forged question"}, csrf=False)

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(Question.id)) is None


def test_a_member_answers_and_edits_their_own_answer(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")

    posted = tom.answer(question.id, "Check the **Details** tab.")
    answer = db.session.scalars(select(Answer)).one()
    edited = tom.post(
        f"/community/a/{answer.id}/edit", {"body": "Check the Details tab, then call."}
    )

    assert posted.status_code == edited.status_code == 303
    assert "<strong>Details</strong>" not in tom.text(posted.location)
    assert "then call." in tom.text(f"/community/q/{question.id}")


def test_only_the_author_or_staff_edit_a_post(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")

    by_other = tom.post(f"/community/q/{question.id}/edit", {"title": "Hijacked", "body": ""})
    form_for_other = tom.get(f"/community/q/{question.id}/edit")
    by_staff = staff(app).post(
        f"/community/q/{question.id}/edit", {"title": "Why is my bill higher in May?", "tags": ""}
    )

    assert by_other.status_code == form_for_other.status_code == 403
    assert by_staff.status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, question.id).title == "Why is my bill higher in May?"


def test_a_vote_counts_once_per_member_and_can_change_direction(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")

    first = tom.vote("question", question.id, "up")
    twice = tom.vote("question", question.id, "up")
    changed = tom.vote("question", question.id, "down")

    assert (first.status_code, twice.status_code, changed.status_code) == (303, 409, 303)
    assert "already voted" in twice.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).score == -1
    assert len(db.session.scalars(select(Vote)).all()) == 1


def test_a_member_takes_a_vote_back_from_the_pressed_button(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")
    tom.vote("question", question.id, "down")
    page = tom.get(f"/community/q/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert 'value="clear" aria-pressed="true" aria-label="Take back your down vote' in page

    taken_back = tom.vote("question", question.id, "clear")
    again = tom.vote("question", question.id, "clear")

    assert (taken_back.status_code, again.status_code) == (303, 409)
    assert "no vote on this question" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).score == 0
    assert db.session.scalars(select(Vote)).all() == []
    page = tom.get(f"/community/q/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert 'value="up" aria-pressed="false"' in page and 'value="clear"' not in page


def test_nobody_votes_on_their_own_post_and_staff_do_not_vote(app):
    lucia = member(app, "Lucia")
    question = question_of(lucia.ask("Why is my bill higher?"))

    own = lucia.vote("question", question.id)
    by_staff = staff(app).vote("question", question.id)
    sideways = member(app, "Tom").vote("question", question.id, "sideways")

    assert own.status_code == 403 and "your own post" in own.get_data(as_text=True)
    assert by_staff.status_code == 403
    assert sideways.status_code == 404


def test_the_asker_accepts_an_answer_and_others_cannot(app):
    lucia = member(app, "Lucia")
    question = question_of(lucia.ask("Why is my bill higher?"))
    tom = member(app, "Tom")
    tom.answer(question.id, "The promotion ended.")
    answer = db.session.scalars(select(Answer)).one()

    by_answerer = tom.post(f"/community/answer/{answer.id}/accept")
    by_asker = lucia.post(f"/community/answer/{answer.id}/accept")

    assert by_answerer.status_code == 403 and "Only the person who asked" in by_answerer.text
    assert by_asker.status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, question.id).accepted_answer_id == answer.id


def test_staff_accept_any_answer_and_their_answers_are_official(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    sam = staff(app)

    sam.answer(question.id, "Your promotion ended in May.")
    answer = db.session.scalars(select(Answer)).one()
    accepted = sam.post(f"/community/answer/{answer.id}/accept")

    assert answer.official and accepted.status_code == 303
    assert "Official answer" in sam.text(f"/community/q/{question.id}")


def test_a_member_flags_a_post_once(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    tom = member(app, "Tom")

    first = tom.post(f"/community/question/{question.id}/flag", {"reason": "off topic"})
    again = tom.post(f"/community/question/{question.id}/flag", {"reason": "off topic"})

    assert first.status_code == 303 and again.status_code == 409
    assert db.session.scalars(select(Flag)).one().reason == "off topic"


def test_a_new_members_post_with_a_link_is_held_and_hidden_from_others(app):
    lucia = member(app, "Lucia")

    response = lucia.ask("Cheap phones here", "Visit [my shop](https://spam.example)")
    question = question_of(response)

    assert question.status == PostStatus.HELD
    assert "a moderator checks it" in lucia.text(response.location)
    assert Visitor.of(app).get(response.location).status_code == 404
    assert "Cheap phones here" not in Visitor.of(app).text("/community")
    assert kb_search.search(db.session, "cheap phones") == []


def test_a_member_with_visible_posts_links_freely(app):
    lucia = member(app, "Lucia")
    for n in range(3):
        lucia.ask(f"Plain question number {n} about roaming")

    response = lucia.ask("Roaming prices page", "See https://example.com/roaming")

    assert question_of(response).status == PostStatus.VISIBLE


def test_answers_to_a_locked_question_are_refused(app):
    question = question_of(member(app, "Lucia").ask("Why is my bill higher?"))
    staff(app).post(f"/community/question/{question.id}/lock")

    response = member(app, "Tom").answer(question.id, "Too late")

    assert response.status_code == 403 and "locked" in response.get_data(as_text=True)


def test_posting_too_often_is_refused_with_a_wait(app):
    app.config["COMMUNITY_POST_LIMIT"] = "2/minute"
    init_community_limits(app)
    lucia = member(app, "Lucia")

    codes = [lucia.ask(f"Question number {n} about wifi").status_code for n in range(3)]
    third = lucia.ask("One more question about wifi")

    assert codes == [303, 303, 429]
    assert "posted too often" in third.get_data(as_text=True)
