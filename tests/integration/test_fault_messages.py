"""Nothing lost: a message, or the end of a call, that the database could not take while
another process held its write lock is saved by a job once the database answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from rq import Queue, SimpleWorker
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Interaction, Task
from app.services.calls.hold_messages import say_text
from tests.functional.voice import MAIN_LINE, OPEN, RECORDING, spoken, twiml
from tests.integration.stalled import SilentServer, write_lock_held_elsewhere
from tests.support import call_params, signed_post

pytestmark = pytest.mark.slow

IN_TIME = 5.0  # well inside Twilio's 15 s, with STORE_TIMEOUT=1 and WEBHOOK_DEADLINE=2


@pytest.fixture
def line(make_app: Callable[..., Flask], database_url: str, redis_client: Any) -> Flask:
    """An app with short store waits on this test's database, the main line open."""
    app = make_app(DATABASE_URL=database_url, STORE_TIMEOUT=1.0, WEBHOOK_DEADLINE=2.0)
    app.config["CLOCK"] = lambda: OPEN
    return app


def post(app: Flask, path: str, params: dict[str, str]) -> tuple[Any, float]:
    started = time.monotonic()
    response = twiml(signed_post(app.test_client(), path, params))
    return response, time.monotonic() - started


class InProcessWorker(SimpleWorker):  # type: ignore[misc]
    """RQ's worker in this process, without the command channel: its thread may take a
    minute to stop (see ``app.cli.serve``), and a test sends it no command."""

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


def run_jobs(app: Flask, redis_client: Any) -> None:
    """What a worker does with the jobs queued now."""
    queue = Queue("default", connection=redis_client)
    with app.app_context():
        InProcessWorker([queue], connection=redis_client).work(burst=True)


def test_a_message_left_while_the_database_is_locked_is_thanked_and_saved_once_it_answers(
    line, database_url, redis_client
):
    # The review's call: nobody at the fallback line, a message, the database locked.
    caller = call_params(To=MAIN_LINE)
    post(line, "/voice/incoming", caller)
    post(line, "/voice/fallback-result?l=en", {**caller, "DialCallStatus": "no-answer"})
    message = {**caller, "RecordingUrl": RECORDING, "RecordingDuration": "17"}

    with write_lock_held_elsewhere(database_url, table="tasks"):
        thanked, elapsed = post(line, "/voice/voicemail?q=general&l=en", message)
    post(
        line,
        "/voice/status",
        {**caller, "CallStatus": "completed", "CallDuration": "95"},
    )
    run_jobs(line, redis_client)

    assert spoken(thanked) == say_text("en", "message_saved")
    assert thanked.find("Dial") is None and thanked[-1].tag == "Hangup"
    assert elapsed < IN_TIME
    with line.app_context():
        task = db.session.scalars(select(Task)).one()
        interaction = db.session.scalars(select(Interaction)).one()
    assert (task.kind, task.recording_url, task.recording_seconds) == (
        "voicemail",
        RECORDING,
        17,
    )
    assert (task.phone, task.call_sid) == (caller["From"], caller["CallSid"])
    assert task.interaction_id == interaction.id
    assert interaction.outcome == "voicemail"  # not abandoned in the IVR
    assert interaction.details["duration"] == 95


def test_a_message_the_database_still_refuses_is_tried_again_later(line, redis_client, caplog):
    message = call_params(RecordingUrl=RECORDING, RecordingDuration="17")
    engine = line.extensions["db.engine"]

    def refuse(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        if sql.startswith("INSERT INTO tasks"):
            raise engine.dialect.loaded_dbapi.OperationalError("the disk is full")

    event.listen(engine, "before_cursor_execute", refuse)
    post(line, "/voice/voicemail?q=general&l=en", message)
    run_jobs(line, redis_client)  # the database still refuses
    queue = Queue("default", connection=redis_client)
    (waiting,) = queue.scheduled_job_registry.get_job_ids()
    event.remove(engine, "before_cursor_execute", refuse)
    queue.scheduled_job_registry.requeue(waiting)  # its time has come

    run_jobs(line, redis_client)

    with line.app_context():
        task = db.session.scalars(select(Task)).one()
    assert task.recording_url == RECORDING
    warning = next(r for r in caplog.records if "is not saved yet" in r.getMessage())
    assert warning.levelname == "WARNING" and RECORDING in warning.getMessage()


def test_the_end_of_a_call_that_came_while_the_database_was_locked_is_recorded_later(
    line, database_url, redis_client
):
    caller = call_params(To=MAIN_LINE, CallStatus="completed", CallDuration="30")

    with write_lock_held_elsewhere(database_url):
        answer, elapsed = post(line, "/voice/status", caller)
    run_jobs(line, redis_client)

    assert list(answer) == []
    assert elapsed < IN_TIME
    with line.app_context():
        interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.twilio_sid, interaction.outcome) == (
        caller["CallSid"],
        "unrecorded",
    )
    assert interaction.details["duration"] == 30


def test_a_replay_racing_the_first_copy_of_a_message_gets_the_same_thanks(line, redis_client):
    # Twilio retries a webhook that was slow to answer: the copies race to keep the message.
    message = call_params(RecordingUrl=RECORDING, RecordingDuration="17")
    engine = line.extensions["db.engine"]

    def linger(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        if sql.startswith("INSERT INTO tasks"):
            time.sleep(0.3)  # the others read "no task yet" meanwhile, then insert theirs

    event.listen(engine, "after_cursor_execute", linger)
    start = threading.Barrier(3)
    answers: list[Any] = []

    def leave() -> None:
        start.wait()
        answers.append(
            twiml(signed_post(line.test_client(), "/voice/voicemail?q=general&l=en", message))
        )

    threads = [threading.Thread(target=leave) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [spoken(answer) for answer in answers] == [say_text("en", "thanks_message")] * 3
    with line.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) == 1
    assert Queue("default", connection=redis_client).count == 0  # nothing left to save later


def test_a_message_left_while_the_database_is_locked_and_redis_hangs_is_logged_in_time(
    make_app, database_url, caplog
):
    redis_server = SilentServer()
    app = make_app(
        DATABASE_URL=database_url,
        REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        STORE_TIMEOUT=1.0,
        WEBHOOK_DEADLINE=2.0,
    )
    message = call_params(RecordingUrl=RECORDING, RecordingDuration="17")

    try:
        with write_lock_held_elsewhere(database_url, table="tasks"):
            thanked, elapsed = post(app, "/voice/voicemail?q=general&l=en", message)
    finally:
        redis_server.close()

    assert spoken(thanked) == say_text("en", "message_saved")
    assert elapsed < 3.0  # WEBHOOK_DEADLINE plus STORE_TIMEOUT, as the settings promise
    last = [r for r in caplog.records if r.levelname == "ERROR"][-1]
    assert RECORDING in last.getMessage() and "save it by hand" in last.getMessage()
