"""A store found not answering in time is skipped for a while: the calls after the first
do not wait on it, so callers served one after another are all answered in time.

A web worker answers one call at a time: a caller's answer comes after the calls ahead of
them in line, so the elapsed times summed here are what the last caller would wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from rq import Queue

from app.services.calls.hold_messages import say_text
from tests.functional.voice import (
    FALLBACK,
    MAIN_LINE,
    OPEN,
    RECORDING,
    destination,
    spoken,
    twiml,
)
from tests.integration.stalled import SilentServer, write_lock_held_elsewhere
from tests.support import call_params, signed_post

pytestmark = pytest.mark.slow

STORE_TIMEOUT = 1.0
DEADLINE = 2.0
RETRY = 0.5  # STORE_RETRY_SECONDS
IN_TIME = 5.0  # well inside Twilio's 15 s
CALLS = 20


@pytest.fixture
def voice_app(make_app: Callable[..., Flask], redis_client: Any) -> Callable[..., Flask]:
    """Apps with short store waits, deadline and retry time, whose main line is open."""

    def make(**settings: Any) -> Flask:
        settings = {
            "STORE_TIMEOUT": STORE_TIMEOUT,
            "WEBHOOK_DEADLINE": DEADLINE,
            "STORE_RETRY_SECONDS": RETRY,
            **settings,
        }
        app = make_app(**settings)
        app.config["CLOCK"] = lambda: OPEN
        return app

    return make


def timed_post(app: Flask, path: str, params: dict[str, str]) -> tuple[Any, float]:
    started = time.monotonic()
    root = twiml(signed_post(app.test_client(), path, params))
    return root, time.monotonic() - started


def calls_in_line(app: Flask, count: int = CALLS) -> list[tuple[Any, float]]:
    """``count`` new calls, answered one after another."""
    return [timed_post(app, "/voice/incoming", call_params(To=MAIN_LINE)) for _ in range(count)]


def test_callers_in_line_behind_a_call_that_found_the_database_locked_are_all_answered_in_time(
    voice_app, database_url
):
    app = voice_app(DATABASE_URL=database_url)

    with write_lock_held_elsewhere(database_url):
        answers = calls_in_line(app)

    assert all(destination(root) == ("dial", FALLBACK) for root, _ in answers)
    assert sum(elapsed for _, elapsed in answers) < IN_TIME  # what the last caller waited


@pytest.mark.parametrize(
    ("path", "heard"),
    [
        ("/voice/incoming", "dial"),
        ("/voice/hold?q=general&l=en", "leave"),
        ("/voice/whisper?agent=1&c=CA-the-caller", "nothing"),
        ("/voice/voicemail?q=general&l=en", "thanks"),
    ],
    ids=["incoming call", "hold music", "agent's leg", "a message"],
)
def test_while_the_database_is_skipped_each_webhook_answers_its_own_fallback_at_once(
    voice_app, database_url, redis_client, path, heard
):
    app = voice_app(DATABASE_URL=database_url, STORE_RETRY_SECONDS=30.0)
    params = call_params(To=MAIN_LINE, QueueTime="30", QueuePosition="1", RecordingUrl=RECORDING)

    with write_lock_held_elsewhere(database_url):
        calls_in_line(app, 1)  # finds the database locked
        root, elapsed = timed_post(app, path, params)

    assert kind(root) == heard
    assert elapsed < STORE_TIMEOUT  # it did not wait on the database
    if heard == "thanks":
        assert Queue("default", connection=redis_client).count == 1  # saved later


def kind(root: Any) -> str:
    """What the caller gets: a person dialled, out of the queue, nothing, or thanks."""
    if destination(root) == ("dial", FALLBACK):
        return "dial"
    if root.find("Leave") is not None:
        return "leave"
    if spoken(root) == say_text("en", "message_saved"):
        return "thanks"
    return "nothing" if len(root) == 0 else "other"


def test_once_the_database_answers_again_calls_use_it_after_the_retry_time(voice_app, database_url):
    app = voice_app(DATABASE_URL=database_url)
    with write_lock_held_elsewhere(database_url):
        calls_in_line(app, 1)

    (meanwhile, _), *_ = calls_in_line(app, 1)
    time.sleep(RETRY)
    (tried, _), (after, _) = calls_in_line(app, 2)

    assert destination(meanwhile) == ("dial", FALLBACK)
    assert tried.find("Gather") is not None  # the menu: the database answers again
    assert after.find("Gather") is not None


def test_a_database_still_locked_when_tried_again_is_skipped_for_another_while(
    voice_app, database_url
):
    app = voice_app(DATABASE_URL=database_url)

    with write_lock_held_elsewhere(database_url):
        calls_in_line(app, 1)
        time.sleep(RETRY)
        (tried, waited), (after, elapsed) = calls_in_line(app, 2)

    assert destination(tried) == destination(after) == ("dial", FALLBACK)
    assert waited >= STORE_TIMEOUT * 0.9  # this call tried the database again
    assert elapsed < STORE_TIMEOUT  # and the next one skipped it once more


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A Redis that accepts connections and never answers."""
    server = SilentServer()
    yield f"redis://127.0.0.1:{server.port}/0"
    server.close()


def test_callers_in_line_behind_a_call_that_found_redis_hung_get_the_menu_in_time(
    voice_app, database_url, silent_redis
):
    app = voice_app(DATABASE_URL=database_url, REDIS_URL=silent_redis)

    answers = calls_in_line(app)
    hold, elapsed = timed_post(
        app,
        "/voice/hold?q=general&l=en",
        call_params(QueueTime="30", QueuePosition="1"),
    )

    # The menus need no Redis: they go on, without waiting for it.
    assert all(root.find("Gather") is not None for root, _ in answers)
    assert sum(elapsed for _, elapsed in answers) < IN_TIME
    # What needs Redis falls back at once: out of the queue, to a person.
    assert hold.find("Leave") is not None
    assert elapsed < STORE_TIMEOUT
