"""Logging in with a real browser: the form, the landing page, the accessibility check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Agent, Role, User


def hire(email: str, role: Role = Role.AGENT, name: str = "") -> User:
    user = User(name=name or email.split("@")[0].title(), email=email, role=role)
    user.set_password("secret")
    if role is Role.AGENT:
        user.agent = Agent(languages=["en"])
    db.session.add(user)
    db.session.commit()
    return user


def test_an_agent_logs_in_and_lands_on_the_console(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    hire("ana@example.com")
    page = new_page()

    page.goto("/console")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/console")
    assert page.get_by_role("heading", name="Console").is_visible()
    assert page.errors == []


def test_a_wrong_password_is_shown_in_the_form(app: Flask, new_page: Callable[..., Any]) -> None:
    hire("ana@example.com")
    page = new_page()

    page.goto("/login")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("alert").inner_text() == "Wrong email or password."


def test_the_log_in_page_passes_the_accessibility_check(
    app: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    page = new_page()
    page.goto("/login")

    assert accessibility(page) == []
