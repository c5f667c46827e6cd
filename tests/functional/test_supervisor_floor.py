"""The agents on the floor as the supervisor sees them: what each is working on now."""

from __future__ import annotations

from typing import Any

import responses
from flask import Flask

from tests.functional.agent_calls import answered_call
from tests.functional.supervisors import Supervisor


def test_an_agent_on_a_call_shows_the_contact_they_work_on(
    app: Flask, desk: Any, twilio_post: Any, twilio_api: responses.RequestsMock
) -> None:
    caller = answered_call(desk, twilio_post, twilio_api)
    boss = Supervisor.logged_in(app, "sam@example.com")

    agents = boss.get("/api/supervisor/agents").get_json()

    ana = next(agent for agent in agents if agent["name"] == "Ana Torres")
    assert ana["state"] == "busy"
    assert ana["contact"] == f"call from general ({caller['CallSid']})"
