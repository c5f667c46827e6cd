"""Logging in as the tests do it: staff with passwords, browsers, a copied cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Role, User


def staff(email: str, password: str = "secret") -> User:
    """A supervisor who logs in with ``email`` and ``password``."""
    user = User(name=email.split("@")[0].title(), email=email, role=Role.SUPERVISOR)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@dataclass
class Browser:
    """One browser with its own cookies, talking to ``app``."""

    app: Flask
    client: FlaskClient

    @classmethod
    def of(cls, app: Flask) -> Browser:
        return cls(app, app.test_client())

    def open(self, method: str, path: str, **kwargs: Any) -> Any:
        # Tests keep an app context pushed, and a request would share its ``g``, where
        # Flask-Login caches the user: like a real one, each request gets a fresh context.
        with self.app.app_context():
            return self.client.open(path, method=method, **kwargs)

    def token(self) -> str:
        return str(self.open("GET", "/api/session").get_json()["csrf_token"])

    def log_in(
        self,
        email: str = "ana@example.com",
        password: str = "secret",
        headers: dict[str, str] | None = None,
    ) -> Any:
        """``POST /api/session`` as the console sends it."""
        body = {"email": email, "password": password}
        headers = {"X-CSRFToken": self.token(), **(headers or {})}
        return self.open("POST", "/api/session", json=body, headers=headers)

    def log_out(self) -> Any:
        return self.open("DELETE", "/api/session", headers={"X-CSRFToken": self.token()})

    def at_work(self) -> int:
        """The status an agent's own request gets: 200 while logged in, 401 once not."""
        return int(self.open("GET", "/api/agent/offer").status_code)

    def logged_in_as(self) -> str | None:
        """The name of the user this browser's session logs in (None for nobody)."""
        response = self.open("GET", "/api/session")
        assert response.status_code == 200, response.get_json()
        user = response.get_json()["user"]
        return None if user is None else str(user["name"])

    def copy(self, app: Flask | None = None) -> Browser:
        """Another browser holding a copy of this one's session cookie (a stolen one)."""
        cookie = self.client.get_cookie("session")
        assert cookie is not None
        thief = Browser.of(app or self.app)
        thief.client.set_cookie("session", cookie.value)
        return thief
