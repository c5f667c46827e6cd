"""``GET /api/live?view=console``: an agent's console hears of itself and of the queues it
serves; a change in one of those queues reaches it as the queue's new line, pushed, so a
hundred consoles do not each read their desk on every caller."""

from __future__ import annotations

import queue as queues
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Agent, User
from app.models.agents import Role
from routing.model import Presence
from tests.functional.live_streams import LiveStream, cookie_of, log_in, serving
from tests.functional.test_live_stream import call_to_general
from tests.functional.voice import OPEN, staff_queues

CONSOLE = "/api/live?view=console"


@pytest.fixture
def base(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Ana, at work on every queue but wrapping up, so a new caller waits in line for her."""
    app.config.update(CLOCK=lambda: OPEN, LIVE_HEARTBEAT_SECONDS=0.2)
    staff_queues(app, presence="wrap_up")
    db.session.scalars(select(User)).one().set_password("secret")
    db.session.commit()
    with serving(app) as url:
        yield url


def console_of(base: str, email: str = "ana@example.com") -> LiveStream:
    """The console's stream, opened as the page opens it."""
    stream = LiveStream(base, cookie_of(log_in(base, email)), path=CONSOLE)
    assert stream.next()["kind"] == "hello"
    return stream


def caller_for_ana(base: str) -> str:
    """Ana's page keeps her alive (a heartbeat), then a caller presses 0: their queue."""
    response = log_in(base, "ana@example.com").post(f"{base}/api/agent/heartbeat", json={})
    assert response.status_code == 200, response.text
    return call_to_general(base)


def test_a_new_caller_reaches_the_console_as_the_line_of_their_queue(base):
    stream = console_of(base)

    queue = caller_for_ana(base)
    event = stream.next(timeout=2.0)
    stream.close()

    assert event["kind"] == "line" and event["queue"] == queue
    line = event["line"]
    assert line["queue"] == queue and line["waiting"] == 1
    [caller] = line["contacts"]
    assert caller["kind"] == "call" and caller["caller"]  # a masked number: no customer
    assert caller["trace"]


def test_the_supervisors_floor_still_hears_each_change_itself(base):
    floor = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))
    floor.next()

    caller_for_ana(base)
    event = floor.next(timeout=2.0)
    floor.close()

    assert (event["kind"], event["what"]) == ("queue", "enqueued")


def test_another_agents_presence_is_not_sent_to_a_console(app, base):
    other = User(name="Ben Ode", email="ben@example.com", password_hash="x")
    db.session.add(Agent(user=other, languages=["en"], client_identity="agent_ben"))
    db.session.commit()
    ben = str(db.session.scalars(select(Agent).where(Agent.user_id == other.id)).one().id)
    console = console_of(base)
    floor = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))
    floor.next()

    app.extensions["routing.store"].set_presence(ben, Presence.AVAILABLE, ["general"])
    heard_on_floor = floor.next_of("agent", timeout=2.0)
    with pytest.raises(queues.Empty):
        console.next(timeout=0.5)
    console.close()
    floor.close()

    assert heard_on_floor["agent"] == ben


def test_a_console_without_an_agent_profile_hears_everything(app, base):
    supervisor = User(
        name="Morgan Lee", email="morgan@example.com", password_hash="x", role=Role.SUPERVISOR
    )
    supervisor.set_password("secret")
    db.session.add(supervisor)
    db.session.commit()
    stream = console_of(base, "morgan@example.com")

    caller_for_ana(base)
    event = stream.next(timeout=2.0)
    stream.close()

    assert (event["kind"], event["what"]) == ("queue", "enqueued")


def test_a_text_to_the_agents_conversation_reaches_their_console(app, base):
    from tests.functional.live_streams import twilio_post
    from tests.functional.texts import sms_params

    ana = log_in(base, "ana@example.com")
    assert ana.put(f"{base}/api/agent/presence", json={"state": "available"}).status_code == 200
    twilio_post(base, "/sms/incoming", sms_params("AGENT", From="+14155550177"))
    assert ana.post(f"{base}/api/agent/accept", json={}).json()["kind"] == "sms"
    stream = LiveStream(base, cookie_of(ana), path=CONSOLE)
    stream.next()  # hello

    twilio_post(base, "/sms/incoming", sms_params("still there?", From="+14155550177"))
    event = stream.next_of("text", timeout=5.0)  # a bound on a busy machine, not a speed
    stream.close()

    assert event["what"] == "received"
