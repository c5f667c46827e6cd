"""``GET /api/live``: staff only, a hello first, then what changes, as it changes; bounded
in number and in time, and never keeping an idle session alive."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.session_store import SessionStore
from tests.functional.desks import FakeClock
from tests.functional.live_streams import LiveStream, cookie_of, log_in, serving, twilio_post
from tests.functional.logins import Browser
from tests.functional.voice import MAIN_LINE, OPEN, destination, staff_queues
from tests.support import TEST_REDIS_URL, call_params

MINUTE = 60.0


@pytest.fixture
def ana(app) -> User:  # type: ignore[no-untyped-def]
    """Ana, an agent at work on every queue with the line open; her password is "secret"."""
    app.config.update(CLOCK=lambda: OPEN, LIVE_HEARTBEAT_SECONDS=0.2)
    staff_queues(app, presence="available")
    user = db.session.scalars(select(User)).one()
    user.set_password("secret")
    db.session.commit()
    return user


@pytest.fixture
def base(app, ana) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(app) as url:
        yield url


def call_to_general(base: str) -> str:
    """A caller who presses 0 for a person, through the served webhooks: the queue's name."""
    import xml.etree.ElementTree as ET

    params = call_params(To=MAIN_LINE)
    first = ET.fromstring(twilio_post(base, "/voice/incoming", params).content)
    action = first.find("Gather").get("action")
    root = ET.fromstring(twilio_post(base, action, {**params, "Digits": "0"}).content)
    kind, queue = destination(root)
    assert kind == "queue", ET.tostring(root)
    return queue


def test_a_caller_put_in_line_shows_on_an_open_stream_within_a_second(base):
    stream = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))
    assert stream.next()["kind"] == "hello"

    queue = call_to_general(base)
    event = stream.next_of("queue", timeout=1.0)
    stream.close()

    assert (event["what"], event["queue"]) == ("enqueued", queue)


def test_a_stream_starts_with_hello_so_a_reconnecting_page_fetches_everything_again(base):
    browser = log_in(base, "ana@example.com")

    stream = LiveStream(base, cookie_of(browser), last_event_id="helpline-live-0.7")
    hello = stream.next()
    stream.close()

    assert stream.headers["Content-Type"].startswith("text/event-stream")
    assert stream.retry == "3000"
    assert hello["resync"] is True and hello["last_event_id"] == "helpline-live-0.7"
    assert hello["id"]


def test_events_carry_ids_and_queue_names_only(base):
    stream = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))
    stream.next()

    call_to_general(base)
    events = [stream.next(timeout=1.0) for _ in range(2)]  # put in line, offered to Ana
    stream.close()

    allowed = {"kind", "what", "queue", "agent", "at", "id"}
    assert all(set(event) <= allowed for event in events), events
    assert {event["kind"] for event in events} == {"queue", "offer"}


def test_a_stream_asked_for_without_logging_in_is_refused_with_401(client):
    response = client.get("/api/live")

    assert response.status_code == 401
    assert response.get_json() == {"error": "log in first"}


def test_streams_past_live_max_streams_are_refused_with_503_and_retry_after(app, base):
    app.config["LIVE_MAX_STREAMS"] = 1
    cookie = cookie_of(log_in(base, "ana@example.com"))
    first = LiveStream(base, cookie)

    second = LiveStream(base, cookie)
    first.close()

    assert first.status == 200
    assert second.status == 503
    assert int(second.headers["Retry-After"]) > 0


def test_a_stream_closed_by_its_page_gives_its_place_back(app, base):
    app.config["LIVE_MAX_STREAMS"] = 1
    cookie = cookie_of(log_in(base, "ana@example.com"))
    LiveStream(base, cookie).close()

    deadline = time.monotonic() + 5  # found gone at its next heartbeat (0.2 s here)
    while (again := LiveStream(base, cookie)).status == 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    again.close()

    assert again.status == 200


def test_a_stream_ends_soon_after_its_session_is_logged_out(base):
    browser = log_in(base, "ana@example.com")
    stream = LiveStream(base, cookie_of(browser))
    stream.next()

    browser.delete(f"{base}/api/session", timeout=10)

    assert stream.ended.wait(timeout=2)
    assert LiveStream(base, cookie_of(browser)).status == 401


def test_a_stream_ends_after_its_lifetime_and_the_browser_reconnects(app, base):
    app.config["LIVE_STREAM_SECONDS"] = 0.5
    stream = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))

    assert stream.ended.wait(timeout=3)
    assert stream.next()["kind"] == "hello"
    assert stream.retry == "3000"  # the EventSource comes back this many ms later


def test_a_stream_sends_a_heartbeat_comment_when_nothing_happens(base):
    stream = LiveStream(base, cookie_of(log_in(base, "ana@example.com")))

    time.sleep(0.7)
    stream.close()

    assert ": still here" in stream.comments


@pytest.fixture
def session_clock(app) -> FakeClock:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    app.extensions["sessions.store"] = SessionStore(
        app.extensions["redis"],
        idle=app.config["SESSION_IDLE_TIMEOUT"],
        lifetime=app.config["SESSION_LIFETIME"],
        clock=clock,
    )
    return clock


def test_watching_the_stream_does_not_keep_an_idle_session_alive(app, ana, session_clock):
    app.config.update(LIVE_STREAM_SECONDS=0.1)
    browser = Browser.of(app)
    browser.log_in()
    session_clock.advance(29 * MINUTE)

    watched = browser.open("GET", "/api/live")  # the whole (short) stream
    session_clock.advance(2 * MINUTE)

    assert watched.status_code == 200 and b'"kind": "hello"' in watched.data
    assert browser.at_work() == 401  # 31 minutes since its last use: the stream did not count


@pytest.fixture
def refuses_publish(database_url, make_app):  # type: ignore[no-untyped-def]
    """The app on a Redis login that may do everything but PUBLISH: a real refusal."""
    name, password = f"helpline-live-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = redis.Redis.from_url(TEST_REDIS_URL)
    admin.acl_setuser(
        name,
        enabled=True,
        passwords=[f"+{password}"],
        keys=["*"],
        channels=["*"],
        commands=["+@all", "-publish"],
    )
    url = TEST_REDIS_URL.replace("redis://", f"redis://{name}:{password}@", 1)
    try:
        app = make_app(DATABASE_URL=database_url, REDIS_URL=url)
        app.config["CLOCK"] = lambda: OPEN
        yield app
    finally:
        admin.acl_deluser(name)
        admin.close()


def test_a_caller_is_still_put_in_line_when_redis_refuses_the_live_event(refuses_publish, caplog):
    with refuses_publish.app_context():
        staff_queues(refuses_publish, presence="available")
    with serving(refuses_publish) as url:
        queue = call_to_general(url)

    assert queue == "general"
    assert "live event queue not published: NoPermissionError" in caplog.text
