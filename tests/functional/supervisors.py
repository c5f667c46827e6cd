"""Supervisors as the tests drive them: logged in through the API, posting JSON with CSRF."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Agent, Role, User
from tests.functional.logins import Browser


def hire(email: str, role: Role = Role.AGENT, name: str = "") -> User:
    """A user with password "secret"; an agent gets an agent profile."""
    user = User(name=name or email.split("@")[0].title(), email=email, role=role)
    user.set_password("secret")
    if role is Role.AGENT:
        user.agent = Agent(languages=["en"])
    db.session.add(user)
    db.session.commit()
    return user


class Supervisor(Browser):
    """A browser logged in as some staff member, with their CSRF token."""

    csrf: str = ""

    @classmethod
    def logged_in(cls, app: Flask, email: str, role: Role = Role.SUPERVISOR) -> Supervisor:
        hire(email, role)
        person = cls(app, app.test_client())
        assert person.log_in(email).status_code == 200
        person.csrf = person.token()
        return person

    def get(self, path: str) -> Any:
        return self.open("GET", path)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.csrf, **kwargs.pop("headers", {})}
        return self.open("POST", path, json=body, headers=headers, **kwargs)
