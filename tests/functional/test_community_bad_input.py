"""Hostile and huge posts: refused with a clear message, or shown as harmless text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Question
from tests.functional.community import member, question_of


class Tags(HTMLParser):
    """Collects what in a page could run: script-bearing tags, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.dangerous: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("type") != "application/ld+json":
            if not (values.get("src") or "").startswith("/static/"):
                self.dangerous.append(f"<script {values}>")
        if tag in ("iframe", "img", "svg", "object", "embed"):
            self.dangerous.append(tag)
        if tag == "link" and values.get("href") == "data:,":
            return  # base.html's empty favicon
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if name.startswith("on") or url.startswith(("javascript:", "data:", "vbscript:")):
                self.dangerous.append(f"{tag} {name}={value}")


HOSTILE = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    '"><iframe src="javascript:window.__xss=1">',
    "[click](javascript:window.__xss=1)",
    "![x](javascript:window.__xss=1)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_in_a_post_is_shown_as_text_never_as_markup(app, payload):
    lucia = member(app, "Lucia")

    response = lucia.ask(f"Title {payload}", f"Body {payload}", tags=payload[:28])

    assert response.status_code == 303
    tags = Tags()
    tags.feed(lucia.text(response.location))
    assert tags.dangerous == []


def test_tags_keep_only_word_characters(app):
    response = member(app, "Lucia").ask("Tags test", tags='<b>bold</b> "quoted" wifi')

    assert question_of(response).tags == "b-bold-b,quoted,wifi"


def test_too_many_or_too_long_tags_are_refused(app):
    lucia = member(app, "Lucia")

    many = lucia.ask("Many tags", tags="a b c d e f")
    long = lucia.ask("Long tag", tags="x" * 31)

    assert many.status_code == long.status_code == 400
    assert "at most 5 tags" in many.get_data(as_text=True)


def test_a_huge_post_is_refused_with_a_clear_message_and_the_form_kept(app):
    lucia = member(app, "Lucia")

    response = lucia.ask("My essay", "word " * 5_000)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "a post is at most 20,000 characters" in page and 'value="My essay"' in page
    assert db.session.scalar(select(Question.id)) is None


def test_a_request_over_the_size_limit_is_refused_with_a_clear_message(app):
    lucia = member(app, "Lucia")

    response = lucia.ask("Huge", "x" * 2_000_000)

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_an_overlong_title_is_refused(app):
    response = member(app, "Lucia").ask("t" * 301)

    assert response.status_code == 400
    assert "at most 300 characters" in response.get_data(as_text=True)


def test_an_empty_answer_is_refused_with_the_reason(app):
    lucia = member(app, "Lucia")
    question = question_of(lucia.ask("Why is my bill higher?"))

    response = lucia.answer(question.id, "   ")

    assert response.status_code == 400 and "an answer needs words" in response.get_data(
        as_text=True
    )


def test_a_title_of_only_emoji_gets_an_address(app):
    lucia = member(app, "Lucia")

    response = lucia.ask("📱📶❓")

    assert response.location == f"/community/q/{question_of(response).id}"
    assert lucia.get(response.location).status_code == 200
