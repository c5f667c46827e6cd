"""After a fault, the ladder still ends with a person or a message: the fault answer's dial
to the fallback line leads to a message when nobody answers there, a message the database
cannot take is kept for later, and nothing rings forever."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from rq import Queue

from app.services.calls.hold_messages import say_text
from tests.functional.voice import (
    FALLBACK,
    MAIN_LINE,
    RECORDING,
    destination,
    spoken,
    twiml,
)
from tests.support import call_params, signed_post, unused_port

Post = Callable[..., Any]


def fail(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """Make ``target`` raise, as a broken store or a bug would."""

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the store is broken")

    monkeypatch.setattr(target, broken)


def dials(root: ET.Element) -> list[str]:
    """The numbers a TwiML answer dials."""
    return [(dial.text or "").strip() for dial in root.iter("Dial")]


@pytest.mark.parametrize(
    ("path", "broken"),
    [
        ("/voice/incoming", "app.services.calls.ivr.start"),
        (
            "/voice/connect?agent=1&c=CA1&q=general&l=es",
            "app.services.calls.connecting.connect",
        ),
        ("/voice/queue-exit?q=general&l=en", "app.services.calls.hold.left_queue"),
    ],
    ids=["incoming call", "connecting to an agent", "leaving the queue"],
)
def test_a_caller_whose_call_fails_and_whom_the_fallback_line_does_not_answer_leaves_a_message(
    line, twilio_post, monkeypatch, path, broken
):
    fail(monkeypatch, broken)
    params = call_params(To=MAIN_LINE)

    fault = twiml(twilio_post(path, params))
    unanswered = twiml(
        twilio_post(fault.find("Dial").get("action"), {**params, "DialCallStatus": "no-answer"})
    )

    assert destination(fault) == ("dial", FALLBACK)
    assert destination(unanswered) == ("voicemail", "")
    language = "es" if "l=es" in path else "en"
    assert say_text(language, "leave_message") in spoken(unanswered)


def test_a_caller_the_fallback_line_answers_after_a_fault_just_talks(
    line, twilio_post, monkeypatch
):
    fail(monkeypatch, "app.services.calls.ivr.start")
    params = call_params(To=MAIN_LINE)
    fault = twiml(twilio_post("/voice/incoming", params))

    after = twiml(
        twilio_post(fault.find("Dial").get("action"), {**params, "DialCallStatus": "completed"})
    )

    assert list(after) == []  # the conversation is over: the call ends


def test_twilios_fallback_url_also_leads_to_a_message_when_nobody_answers(twilio_post):
    params = call_params()

    fallback = twiml(twilio_post("/voice/fallback", params))
    unanswered = twiml(
        twilio_post(fallback.find("Dial").get("action"), {**params, "DialCallStatus": "busy"})
    )

    assert destination(fallback) == ("dial", FALLBACK)
    assert destination(unanswered) == ("voicemail", "")


def test_the_way_from_an_unanswered_fallback_line_to_a_message_needs_no_store(make_app):
    port = unused_port()
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    params = call_params(DialCallStatus="no-answer")

    root = twiml(signed_post(app.test_client(), "/voice/fallback-result?l=en", params))

    assert destination(root) == ("voicemail", "")
    assert say_text("en", "leave_message") in spoken(root)


def test_with_the_store_failing_all_along_the_fallback_line_is_dialed_once_and_the_call_ends(
    line, twilio_post, monkeypatch
):
    # A fallback line that never answers, a caller who never speaks, a store that never
    # works: the call must still end, not ring the line again and again.
    for broken in (
        "ivr.start",
        "last_resort.promise_callback",
        "last_resort.keep_message",
    ):
        fail(monkeypatch, f"app.services.calls.{broken}")
    params = call_params(To=MAIN_LINE)
    answers = [twiml(twilio_post("/voice/incoming", params))]
    while (dial := answers[-1].find("Dial")) is not None or answers[-1].find("Record") is not None:
        assert len(answers) < 10, [ET.tostring(a) for a in answers]
        if dial is not None:  # nobody answers
            form = {**params, "DialCallStatus": "no-answer"}
            answers.append(twiml(twilio_post(dial.get("action"), form)))
        elif (redirect := answers[-1].find("Redirect")) is not None:  # nothing recorded
            answers.append(twiml(twilio_post(redirect.text, params)))
        else:
            break

    assert sum(len(dials(answer)) for answer in answers) == 1
    last = answers[-1]
    assert destination(last) == ("voicemail", "")  # a last chance of a message,
    assert last.find("Redirect") is None  # after which, silent or not, the call ends
    assert last[-1].tag == "Hangup"
    assert "Goodbye" in spoken(last)


def test_a_message_the_database_cannot_take_is_kept_for_later_and_the_caller_thanked(
    line, twilio_post, monkeypatch, redis_client
):
    fail(monkeypatch, "app.services.calls.last_resort.keep_message")
    params = call_params(RecordingUrl=RECORDING, RecordingDuration="12")

    root = twiml(twilio_post("/voice/voicemail?q=billing&l=es", params))

    assert spoken(root) == say_text("es", "message_saved")
    assert [child.tag for child in root] == [
        "Say",
        "Hangup",
    ]  # never asked to call again
    (job,) = Queue("default", connection=redis_client).get_jobs()
    assert job.func_name == "app.jobs.calls.save_voicemail"
    assert job.args == (
        "+14155550123",
        "billing",
        "es",
        params["CallSid"],
        RECORDING,
        12,
        ("+15558675310",),
    )
    assert job.retries_left == 12


def test_a_message_left_with_the_database_and_redis_down_is_logged_at_error_and_thanked(
    make_app, caplog
):
    port = unused_port()
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    params = call_params(RecordingUrl=RECORDING, RecordingDuration="12")

    root = twiml(signed_post(app.test_client(), "/voice/voicemail?q=general&l=en", params))

    assert spoken(root) == say_text("en", "message_saved")
    assert root.find("Dial") is None
    last = [r for r in caplog.records if r.levelname == "ERROR"][-1]
    assert RECORDING in last.getMessage()
    assert "***0123" in last.getMessage()  # the caller's number, masked as every log line
    assert params["CallSid"] in last.getMessage()


def test_a_call_end_the_database_cannot_take_is_recorded_later(
    app, twilio_post, monkeypatch, redis_client
):
    fail(monkeypatch, "app.services.calls.call_ends.close_call")
    params = call_params(CallStatus="completed", CallDuration="42")

    root = twiml(twilio_post("/voice/status", params))

    assert list(root) == []
    (job,) = Queue("default", connection=redis_client).get_jobs()
    assert job.func_name == "app.jobs.calls.record_call_end"
    assert job.args[:3] == (params["CallSid"], "completed", "42")
