"""The community's pages read without an account: browse, tags, search, question pages."""

from __future__ import annotations

import json
import re

from app.extensions import db
from app.models import PostStatus
from app.services.community import kb_posts
from tests.functional.community import Visitor, seeded_question
from tests.support import PUBLIC_BASE_URL

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def test_anyone_browses_the_newest_questions_first(app):
    seeded_question("First question about roaming")
    seeded_question("Second question about billing")

    page = Visitor.of(app).text("/community")

    assert page.index("Second question about billing") < page.index("First question about roaming")


def test_unanswered_and_solved_tabs_list_only_their_questions(app):
    answered = seeded_question("Answered and solved question")
    answer = kb_posts.answer_question(db.session, answered.id, "Restart it.")
    kb_posts.accept_answer(db.session, answer.id, answered.id)
    seeded_question("Nobody answered this one")
    db.session.commit()
    visitor = Visitor.of(app)

    unanswered = visitor.text("/community?tab=unanswered")
    solved = visitor.text("/community?tab=solved")

    assert "Nobody answered this one" in unanswered and "Answered and solved" not in unanswered
    assert "Answered and solved" in solved and "Nobody answered" not in solved


def test_top_tab_orders_by_votes(app):
    low = seeded_question("Low scored question")
    high = seeded_question("High scored question")
    low.score, high.score = 1, 9
    db.session.commit()

    page = Visitor.of(app).text("/community?tab=top")

    assert page.index("High scored question") < page.index("Low scored question")


def test_a_tag_filters_whole_tags_only(app):
    seeded_question("Question about wifi", tags=["wifi"])
    seeded_question("Question about wifi extenders", tags=["wifi-extender"])

    page = Visitor.of(app).text("/community?tag=wifi")

    assert "Question about wifi</a>" in page and "wifi extenders" not in page


def test_pages_of_twenty_link_to_the_next(app):
    for n in range(45):
        kb_posts.ask_question(db.session, f"Paged question number {n}")
    db.session.commit()
    visitor = Visitor.of(app)

    first, third = visitor.text("/community"), visitor.text("/community?page=3")

    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert "Paged question number 0<" in third and 'rel="next"' not in third
    assert visitor.get("/community?page=99999999999").status_code == 200


def test_search_finds_questions_by_their_words(app):
    seeded_question("How do I activate my eSIM?")
    seeded_question("Why is my bill higher?")

    page = Visitor.of(app).text("/community/search?q=activate+esim")

    assert "How do I activate my eSIM?" in page and "Why is my bill higher?" not in page


def test_search_made_of_operators_answers_a_page(app):
    seeded_question("How do I activate my eSIM?")

    for query in ['"', "*", "NEAR(", "-", ":", "' OR 1=1 --"]:
        assert (
            Visitor.of(app).get("/community/search", query_string={"q": query}).status_code == 200
        )


def test_similar_questions_come_as_json_while_typing(app):
    question = seeded_question("How do I activate my eSIM?")

    found = Visitor.of(app).get("/community/similar?q=esim+activate").get_json()

    assert found["questions"][0]["title"] == "How do I activate my eSIM?"
    assert found["questions"][0]["url"] == f"/community/q/{question.id}-how-do-i-activate-my-esim"


def test_a_question_page_redirects_to_its_canonical_address(app):
    question = seeded_question("Why is my bill higher?")
    visitor = Visitor.of(app)

    bare = visitor.get(f"/community/q/{question.id}")
    wrong = visitor.get(f"/community/q/{question.id}-some-old-title")

    assert bare.status_code == wrong.status_code == 301
    assert bare.location == wrong.location == f"/community/q/{question.id}-why-is-my-bill-higher"
    assert visitor.get(bare.location).status_code == 200


def test_a_merged_duplicate_redirects_to_the_kept_question(app):
    kept = seeded_question("How do I activate my eSIM?")
    duplicate = seeded_question("eSIM activation help")
    kb_posts.merge_question(db.session, duplicate.id, kept.id)
    db.session.commit()

    response = Visitor.of(app).get(f"/community/q/{duplicate.id}-esim-activation-help")

    assert response.status_code == 301
    assert response.location == f"/community/q/{kept.id}-how-do-i-activate-my-esim"


def test_hidden_and_unknown_questions_are_not_found(app):
    hidden = seeded_question("Hidden question")
    kb_posts.set_question_status(db.session, hidden.id, PostStatus.HIDDEN)
    db.session.commit()
    visitor = Visitor.of(app)

    assert visitor.get(f"/community/q/{hidden.id}-hidden-question").status_code == 404
    for path in ("/community/q/999", "/community/q/abc", "/community/q/99999999999999999999"):
        assert visitor.get(path).status_code == 404


def test_accepted_answer_comes_first_then_by_votes_and_staff_answers_are_official(app):
    question = seeded_question("Why is my bill higher?")
    voted = kb_posts.answer_question(db.session, question.id, "Voted answer text")
    accepted = kb_posts.answer_question(db.session, question.id, "Accepted answer text")
    official = kb_posts.answer_question(db.session, question.id, "Staff answer text", official=True)
    voted.score, official.score = 5, 2
    kb_posts.accept_answer(db.session, accepted.id, question.id)
    db.session.commit()

    page = Visitor.of(app).text(f"/community/q/{question.id}")

    order = [page.index(text) for text in ("Accepted answer", "Voted answer", "Staff answer")]
    assert order == sorted(order)
    assert "Official answer" in page


def test_question_page_carries_qapage_json_ld_that_cannot_break_out(app):
    title = "Bill </script><script>window.__xss=1</script> higher?"
    question = seeded_question(title, body="Body with </script> too")
    answer = kb_posts.answer_question(db.session, question.id, "An answer")
    kb_posts.accept_answer(db.session, answer.id, question.id)
    db.session.commit()

    page = Visitor.of(app).text(f"/community/q/{question.id}")

    blocks = LD.findall(page)
    assert len(blocks) == 1 and "</script>" not in blocks[0]
    data = json.loads(blocks[0])
    assert data["@type"] == "QAPage" and data["mainEntity"]["name"] == title
    assert data["mainEntity"]["acceptedAnswer"]["text"] == "An answer"
    assert "<script>window.__xss" not in page


def test_json_ld_names_the_configured_address_whatever_host_the_request_named(app):
    question = seeded_question("Why is my bill higher?")
    kb_posts.answer_question(db.session, question.id, "An answer")
    db.session.commit()

    response = Visitor.of(app).get(
        f"/community/q/{question.id}", follow_redirects=True, headers={"Host": "evil.example"}
    )

    data = json.loads(LD.findall(response.get_data(as_text=True))[0])
    assert data["url"] == f"{PUBLIC_BASE_URL}/community/q/{question.id}-why-is-my-bill-higher"


def test_pages_carry_the_content_security_policy(app):
    question = seeded_question("Why is my bill higher?")

    response = Visitor.of(app).get(f"/community/q/{question.id}", follow_redirects=True)

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
