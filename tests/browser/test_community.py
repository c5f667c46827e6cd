"""The community in a real browser: hostile posts run nothing, pages pass the
accessibility check, asking shows similar questions while typing, and works without JS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import Member, PostStatus, Question
from app.services.community import kb_posts
from tests.browser.test_login import hire
from tests.conftest import ARTIFACTS

PASSWORD = "correct horse battery"

# The OWASP filter-evasion kind: each would set window.__xss (or open a dialog) if it ran.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//example.invalid/xss.js></SCRIPT>",
    '<IMG SRC="javascript:window.__xss=1">',
    "<img src=x onerror=window.__xss=1>",
    "<svg/onload=window.__xss=1>",
    "<body onload=window.__xss=1>",
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<a href="jav&#x09;ascript:window.__xss=1">tab</a>',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '"><script>window.__xss=1</script>',
    "</script><script>window.__xss=1</script>",
    "[click me](javascript:window.__xss=1)",
    "[click me](JaVaScRiPt:window.__xss=1)",
    "![img](javascript:window.__xss=1)",
    '![img](x" onerror="window.__xss=1)',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=window.__xss=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
]


def member(name: str = "Lucia") -> Member:
    found = Member(name=name, email=f"{name.lower()}@example.com")
    found.set_password(PASSWORD)
    db.session.add(found)
    db.session.commit()
    return found


def hostile_question(payload: str) -> Question:
    question = kb_posts.ask_question(
        db.session, f"Help {payload}", f"Body {payload}\n\n{payload}", tags=[payload[:30], "wifi"]
    )
    answer = kb_posts.answer_question(db.session, question.id, f"Answer {payload}")
    kb_posts.accept_answer(db.session, answer.id, question.id)
    db.session.commit()
    return question


def nothing_ran(page: Any, dialogs: list[str]) -> None:
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert page.errors == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_post_runs_no_script_on_any_page(
    app: Flask, new_page: Callable[..., Any], payload: str
) -> None:
    question = hostile_question(payload)
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in ("/community", f"/community/q/{question.id}", "/community/search?q=help"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        nothing_ran(page, dialogs)
    for link in page.locator("main a").all():  # a click on any link in the post runs nothing
        if (link.get_attribute("href") or "").startswith(("http", "/", "#")):
            continue
        link.click()
    nothing_ran(page, dialogs)


def test_hostile_titles_typed_into_the_ask_page_run_nothing(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    hostile_question("<img src=x onerror=window.__xss=1>")
    member()
    page = log_in(new_page(), "lucia@example.com")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/community/ask")
    page.get_by_label("Your question").press_sequentially("help img onerror", delay=20)

    page.locator("#similar li").first.wait_for()
    assert "onerror" in page.locator("#similar").inner_text()
    nothing_ran(page, dialogs)


def log_in(page: Any, email: str) -> Any:
    page.goto("/community/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/community")
    return page


def test_a_visitor_signs_up_sees_similar_questions_while_typing_and_asks(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    kb_posts.ask_question(db.session, "How do I activate the eSIM on my phone?")
    db.session.commit()
    page = new_page()

    page.goto("/community/join")
    page.get_by_label("Name shown with your posts").fill("Lucia")
    page.get_by_label("Email").fill("lucia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("link", name="Ask a question").first.click()
    page.get_by_label("Your question").press_sequentially("activate esim", delay=20)

    suggestion = page.get_by_role("link", name="How do I activate the eSIM on my phone?")
    suggestion.wait_for()
    page.get_by_label("Your question").fill("eSIM activation fails on my Pixel 8")
    page.get_by_label("Tags").fill("mobile esim")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url("**/community/q/*-esim-activation-fails-on-my-pixel-8")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "eSIM activation fails on my Pixel 8"
    )
    assert page.errors == []


def test_asking_answering_and_voting_work_without_javascript(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    asked = kb_posts.ask_question(db.session, "Why is my bill higher this month?")
    db.session.commit()
    member()
    page = log_in(new_page(java_script_enabled=False), "lucia@example.com")

    page.goto(f"/community/q/{asked.id}")
    page.get_by_role("textbox", name="Answer").fill("The promotion **ended**.")
    page.get_by_role("button", name="Post your answer").click()
    page.get_by_role("button", name="Vote this question up").click()

    assert page.locator("strong", has_text="ended").is_visible()
    assert page.locator(".question .score").inner_text() == "1"


PAGES = ["/community", "/community/q/{id}", "/community/ask", "/community/join",
         "/community/login", "/community/search?q=router", "/community/moderation"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_community_pages_pass_the_accessibility_check(
    app: Flask,
    new_page: Callable[..., Any],
    accessibility: Callable[[Any], list[str]],
    path: str,
) -> None:
    question = filled_community()
    page = new_page()
    if path.endswith("moderation"):
        hire("sam@example.com")
        page.goto("/login")
        page.get_by_label("Email").fill("sam@example.com")
        page.get_by_label("Password").fill("secret")
        page.get_by_role("button", name="Log in").click()
    elif path.endswith("ask"):
        log_in(page, "lucia@example.com")

    page.goto(path.format(id=question.id))
    page.wait_for_load_state("networkidle")

    ARTIFACTS.mkdir(exist_ok=True)
    name = path.strip("/").split("?")[0].replace("/", "-").replace("{id}", "question")
    page.screenshot(path=str(ARTIFACTS / f"community-{name}.png"), full_page=True)
    assert accessibility(page) == []
    assert page.get_by_role("heading", level=1).count() == 1


def filled_community() -> Question:
    """A few questions, answers (one official, one accepted), a flag and a held post."""
    lucia, tom = member("Lucia"), member("Tom")
    first = None
    for n, title in enumerate(
        [
            "Wifi keeps dropping in the kitchen",
            "How do I reset my router?",
            "¿Cómo pago mi factura?",
        ]
    ):
        question = kb_posts.ask_question(
            db.session, title, "Since **Monday**.", tags=["wifi", "router"]
        )
        question.member_id = lucia.id
        answer = kb_posts.answer_question(db.session, question.id, "Restart the router.")
        answer.member_id = tom.id
        kb_posts.answer_question(db.session, question.id, "Run the line test.", official=True)
        if n == 0:
            kb_posts.accept_answer(db.session, answer.id, question.id)
            first = question
    held = kb_posts.ask_question(
        db.session, "Cheap phones", "https://spam.example", status=PostStatus.HELD
    )
    held.member_id = tom.id
    db.session.commit()
    assert first is not None
    return first
