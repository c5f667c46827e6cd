"""Callback requests from one number at the same moment, in separate requests and sessions
(as several web processes would serve them): the database keeps one open task per number."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.extensions import db
from app.models import Task, TaskStatus
from app.services.agents import offer_sweeper
from app.services.calls.hold_messages import say_text
from tests.functional.queue_calls import store
from tests.functional.voice import CLOSED, MAIN_LINE, gather_action, spoken, twiml
from tests.support import call_params, signed_post

SPOOFED = "+14155550123"
CALLS = 4
THE_PROMISE = "We'll call you back"  # the main flow's after-hours callback prompt


def at_the_after_hours_menu(app, count: int) -> list[tuple[dict[str, str], str]]:  # type: ignore[no-untyped-def]
    """``count`` calls from SPOOFED on the closed main line, each at the after-hours menu:
    their forms and the URL their "press 1 to be called back" posts to."""
    client = app.test_client()
    calls = []
    for _ in range(count):
        params = call_params(To=MAIN_LINE, From=SPOOFED)
        first = twiml(signed_post(client, "/voice/incoming", params))
        menu = twiml(signed_post(client, gather_action(first), {**params, "Digits": "1"}))
        calls.append((params, gather_action(menu)))
    return calls


def all_press_1_at_once(app, calls) -> list[str]:  # type: ignore[no-untyped-def]
    """Each call presses 1 in its own thread and request, all released together."""
    start = threading.Barrier(len(calls))

    def press_1(call: tuple[dict[str, str], str]) -> str:
        params, url = call
        client = app.test_client()
        start.wait(timeout=10)
        return spoken(twiml(signed_post(client, url, {**params, "Digits": "1"})))

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(press_1, calls))


def test_one_number_asking_for_callbacks_at_once_gets_one_open_task(app, redis_client):
    app.config.update(CLOCK=lambda: CLOSED, CALLBACK_LIMIT_PER_NUMBER=10, STORE_TIMEOUT=10.0)
    calls = at_the_after_hours_menu(app, CALLS)

    heard = all_press_1_at_once(app, calls)

    db.session.expire_all()
    tasks = db.session.scalars(select(Task).where(Task.status == TaskStatus.OPEN)).all()
    assert [task.phone for task in tasks] == [SPOOFED]
    assert all(THE_PROMISE in said for said in heard), heard
    others = [params["CallSid"] for params, _ in calls if params["CallSid"] != tasks[0].call_sid]
    assert all(f"asked again for a callback (call {sid})" in tasks[0].notes for sid in others)
    offer_sweeper.sweep()
    assert store(app).waiting_count("general") == 1  # one contact: one agent calls the number


def test_messages_left_from_one_number_at_once_all_reach_its_one_task(app, redis_client):
    recordings = [f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{n}" for n in "123"]
    forms = [
        call_params(To=MAIN_LINE, From=SPOOFED, RecordingUrl=url, RecordingDuration="9")
        for url in recordings
    ]
    start = threading.Barrier(len(forms))

    def leave(form: dict[str, str]) -> str:
        client = app.test_client()
        start.wait(timeout=10)
        return spoken(twiml(signed_post(client, "/voice/voicemail?q=general&l=en", form)))

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        heard = list(pool.map(leave, forms))

    db.session.expire_all()
    task = db.session.scalars(select(Task)).one()
    kept = [task.recording_url, *(url for url in recordings if url in task.notes)]
    assert sorted(kept) == recordings
    assert heard == [say_text("en", "thanks_message")] * len(forms)
