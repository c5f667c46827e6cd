"""Helpers for offer tests: agents at their own desks (one browser session each), callers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.demo.staff import ensure_queues
from app.extensions import db
from app.models import (
    Agent,
    AgentSkill,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    Tier,
    User,
    utcnow,
)
from app.services.agents.agent_desk import served_queues
from routing.model import Presence
from routing.redis_store import RedisQueueStore
from tests.functional.voice import MAIN_LINE, OPEN, destination, twiml
from tests.support import call_params

# Keys a caller presses after the greeting: 0 for a person (general), or billing.
TO_GENERAL = ("0",)
TO_BILLING = ("1", "1", "12345678")


class FakeClock:
    """The store's clock: it moves only when told to, from the real time it was made at."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def open_center(app: Flask, clock: FakeClock) -> RedisQueueStore:
    """The demo queues, the line open, and the app's store on ``clock``; returns the store."""
    app.config["CLOCK"] = lambda: OPEN
    store = RedisQueueStore(app.extensions["redis"], clock=clock)
    app.extensions["routing.store"] = store
    ensure_queues(db.session)
    db.session.commit()
    return store


@dataclass
class Desk:
    """One agent logged in through the API in their own browser session."""

    id: str
    name: str
    app: Flask
    client: FlaskClient
    token: str = ""

    def call(self, method: str, path: str, **body: Any) -> Any:
        # Tests keep one app context pushed, and a request would share its ``g``, where
        # Flask-Login and Flask-WTF cache the user and the CSRF token: like a browser of its
        # own, each desk's request runs in a fresh app context.
        with self.app.app_context():
            headers = {"X-CSRFToken": self.token}
            return self.client.open(path, method=method, json=body, headers=headers)

    def offer(self) -> dict[str, Any] | None:
        response = self.call("GET", "/api/agent/offer")
        assert response.status_code == 200, response.get_json()
        offer: dict[str, Any] | None = response.get_json()["offer"]
        return offer

    def available(self) -> None:
        assert self.call("PUT", "/api/agent/presence", state="available").status_code == 200

    def wrapping_up(self) -> None:
        """At work but offered nothing, as a call leaves them (agents cannot choose it)."""
        agent = db.session.get(Agent, int(self.id))
        assert agent is not None
        store = self.app.extensions["routing.store"]
        store.set_presence(self.id, Presence.WRAP_UP, served_queues(agent))


def wait(clock: FakeClock, seconds: float, *desks: Desk) -> None:
    """Let ``seconds`` pass, the desks' browsers sending a heartbeat every 20 s meanwhile."""
    while seconds > 0:
        step = min(20.0, seconds)
        clock.advance(step)
        seconds -= step
        for desk in desks:
            desk.call("POST", "/api/agent/heartbeat")


def hire(
    app: Flask,
    name: str,
    skills: dict[str, int] | None = None,
    languages: tuple[str, ...] = ("en",),
) -> Desk:
    """A new agent with these skills, logged in (offline until they say otherwise)."""
    first = name.split()[0].lower()
    user = User(name=name, email=f"{first}@example.com", password_hash="x")
    user.set_password("secret")
    agent = Agent(
        user=user,
        languages=list(languages),
        client_identity=f"agent_{first}",
        skills=[
            AgentSkill(skill=skill, proficiency=level) for skill, level in (skills or {}).items()
        ],
    )
    db.session.add(agent)
    db.session.commit()
    desk = Desk(str(agent.id), name, app, app.test_client())
    desk.token = desk.call("GET", "/api/session").get_json()["csrf_token"]
    response = desk.call("POST", "/api/session", email=user.email, password="secret")
    assert response.status_code == 200, response.get_json()
    return desk


def returning_customer(phone: str, last_agent: Desk, days_ago: float) -> Customer:
    """A silver customer whose last call, ``days_ago`` days back, was taken by ``last_agent``."""
    customer = Customer(phone=phone, name="Returning", tier=Tier.SILVER, language="en")
    db.session.add(customer)
    db.session.flush()
    db.session.add(
        Interaction(
            customer_id=customer.id,
            channel=InteractionChannel.VOICE,
            direction=Direction.INBOUND,
            agent_id=int(last_agent.id),
            started_at=utcnow() - timedelta(days=days_ago),
        )
    )
    db.session.commit()
    return customer


def call_in(twilio_post, keys: tuple[str, ...] = TO_GENERAL, **params: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller who pressed ``keys`` through the main line's menus into a queue."""
    form = call_params(To=MAIN_LINE, **params)
    root = twiml(twilio_post("/voice/incoming", form))
    for key in keys:
        root = twiml(twilio_post(root.find("Gather").get("action"), {**form, "Digits": key}))
    assert destination(root)[0] == "queue", destination(root)
    return form


def call_redirected(twilio_api, caller: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Twilio's API accepts moving ``caller``'s live call to ring an agent."""
    twilio_api.add(
        "POST",
        f"https://api.twilio.com/2010-04-01/Accounts/{caller['AccountSid']}/Calls/{caller['CallSid']}.json",
        json={"sid": caller["CallSid"], "status": "in-progress"},
    )


def two_agents_and_a_caller(app, clock, twilio_post):  # type: ignore[no-untyped-def]
    """Ana, idle longest, is offered the caller; Ben is available too."""
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    ana.available()
    wait(clock, 40, ana)
    ben.available()
    caller = call_in(twilio_post)
    assert ana.offer()["contact_id"] == caller["CallSid"]
    return ana, ben, caller
