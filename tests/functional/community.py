"""Visiting the community as tests do: members and staff in their own browsers, with
the CSRF token every form carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Member, Question, Role, User
from app.services.community import kb_posts

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PASSWORD = "correct horse battery"


@dataclass
class Visitor:
    """One browser on the community pages."""

    app: Flask
    client: FlaskClient

    @classmethod
    def of(cls, app: Flask) -> Visitor:
        return cls(app, app.test_client())

    def get(self, path: str, **kwargs: Any) -> Any:
        with self.app.app_context():
            return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, str] | None = None, csrf: bool = True, **kw: Any
    ) -> Any:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        with self.app.app_context():
            return self.client.post(path, data=form, **kw)

    def token(self) -> str:
        page = self.get("/community").get_data(as_text=True)
        found = TOKEN.search(page)
        assert found is not None
        return found.group(1)

    def join(self, name: str, email: str | None = None, password: str = PASSWORD) -> Any:
        email = email or f"{name.lower().replace(' ', '.')}@example.com"
        return self.post("/community/join", {"name": name, "email": email, "password": password})

    def log_in_staff(self, email: str) -> Any:
        return self.post("/login", {"email": email, "password": "secret"})

    def ask(self, title: str, body: str = "", tags: str = "") -> Any:
        return self.post("/community/ask", {"title": title, "body": body, "tags": tags})

    def answer(self, question_id: int, body: str) -> Any:
        return self.post(f"/community/q/{question_id}/answers", {"body": body})

    def vote(self, kind: str, post_id: int, direction: str = "up") -> Any:
        return self.post(f"/community/{kind}/{post_id}/vote", {"direction": direction})

    def text(self, path: str) -> str:
        response = self.get(path, follow_redirects=True)
        return str(response.get_data(as_text=True))


def member(app: Flask, name: str = "Lucia") -> Visitor:
    """A new member, signed up and logged in, in their own browser."""
    visitor = Visitor.of(app)
    response = visitor.join(name)
    assert response.status_code == 303, response.get_data(as_text=True)
    return visitor


def staff_user(email: str = "sam@example.com", role: Role = Role.SUPERVISOR) -> User:
    user = User(name=email.split("@")[0].title(), email=email, role=role)
    user.set_password("secret")
    db.session.add(user)
    db.session.commit()
    return user


def staff(app: Flask, email: str = "sam@example.com", role: Role = Role.SUPERVISOR) -> Visitor:
    """A staff user logged in at /login, in their own browser."""
    staff_user(email, role)
    visitor = Visitor.of(app)
    assert visitor.log_in_staff(email).status_code == 302
    return visitor


def member_id(name: str) -> int:
    found = db.session.scalar(select(Member.id).where(Member.name == name))
    assert found is not None
    return int(found)


def question_of(response: Any) -> Question:
    """The question a post redirected to."""
    number = int(response.location.rsplit("/", 1)[1].split("-", 1)[0])
    db.session.expire_all()
    question = db.session.get(Question, number)
    assert question is not None
    return question


def seeded_question(title: str = "How do I reset my router?", **kwargs: Any) -> Question:
    """A visible question written directly (as an import would)."""
    question = kb_posts.ask_question(db.session, title, kwargs.pop("body", ""), **kwargs)
    db.session.commit()
    return question
