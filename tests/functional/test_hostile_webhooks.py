"""Whatever a webhook carries, the caller reaches a person and nothing is lost.

Each voice webhook is posted, signed, with one hostile value in every field it reads, for
each value of a table. PostgreSQL refuses what SQLite takes: run with ``TEST_DATABASE_URL``
set to see these on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CallStep, Interaction, Task, TaskKind
from tests.functional.queue_calls import queue_caller
from tests.functional.voice import (
    MAIN_LINE,
    RECORDING,
    SIP_CALLER,
    destination,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import FALLBACK_NUMBER, call_params

# What a carrier, a SIP trunk or a forger may put in any field.
HOSTILE = [
    "",
    "+1415\x005550123",  # a NUL byte: PostgreSQL refuses text holding one
    "x" * 5000,  # longer than any column
    SIP_CALLER,
    "client:anna",
    "²",  # str.isdigit() says yes, int() says no
    "18446744073709551616",  # 2**64: beyond every integer column
    "-1",
    "nan",
    "CA1\n2026-11-24 09:00:00,000 INFO app [-] forged line",
    "\x1b[31m\x7f\u2028",
    '"><Dial>+19005550100</Dial>',
    "١٢٣",  # digits, not ASCII ones
]

CALLER_FIELDS = ("From", "To", "Caller", "Called", "CallerName", "FromCity", "ForwardedFrom")


Post = Callable[..., object]


def _incoming(twilio_post: Post, value: str) -> None:
    sid = "CA" + uuid.uuid4().hex
    params = call_params(CallSid=sid + value, **dict.fromkeys(CALLER_FIELDS, value))

    root = twiml(twilio_post("/voice/incoming", params))

    assert root.find("Gather") is not None or destination(root)[0] == "dial"
    assert _recorded(sid), "the call was not recorded"


def _step(twilio_post: Post, value: str) -> None:
    sid = "CA" + uuid.uuid4().hex
    params = call_params(To=MAIN_LINE, CallSid=sid + value)
    first = twiml(twilio_post("/voice/incoming", params))
    reply = {"Digits": value, "SpeechResult": value, "Confidence": value, "From": value}

    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, **reply}))

    assert root.find("Gather") is not None or destination(root)[0] in {"queue", "dial"}
    answers = db.session.scalar(
        select(func.count()).where(
            CallStep.interaction_id == _recorded(sid),
            CallStep.event.in_(("digits", "speech", "silence")),
        )
    )
    assert answers == 1, "the caller's answer was not recorded"


def _status(twilio_post: Post, value: str) -> None:
    sid = "CA" + uuid.uuid4().hex
    params = call_params(To=MAIN_LINE, CallSid=sid + value)
    twiml(twilio_post("/voice/incoming", params))
    ended = {**params, "CallStatus": "completed", "CallDuration": value, "Timestamp": value}

    twiml(twilio_post("/voice/status", ended))

    interaction = db.session.get(Interaction, _recorded(sid))
    db.session.refresh(interaction)
    assert interaction.ended_at is not None, "the call was never closed"


def _hold(twilio_post: Post, value: str) -> None:
    caller = _waiting_caller(twilio_post)
    waiting = {"QueueTime": value, "QueuePosition": value, "QueueSid": value, "From": value}

    root = twiml(twilio_post(_url("/voice/hold", q="general", l=value), {**caller, **waiting}))

    assert root.find("Play") is not None or root.find("Leave") is not None


def _hold_key(twilio_post: Post, value: str) -> None:
    caller = _waiting_caller(twilio_post)

    root = twiml(
        twilio_post(_url("/voice/hold-key", q=value, l=value), {**caller, "Digits": value})
    )

    assert [child.tag for child in root] in ([], ["Leave"])  # the music again, or out to a person


def _queue_exit(twilio_post: Post, value: str) -> None:
    caller = _waiting_caller(twilio_post)
    left = {**caller, "QueueResult": value, "QueueTime": value, "From": value}

    root = twiml(twilio_post(_url("/voice/queue-exit", q="general", l=value), left))

    assert destination(root)[0] in {"dial", "queue"}


def _fallback_result(twilio_post: Post, value: str) -> None:
    form = {**_live_call(twilio_post), "DialCallStatus": value, "DialCallDuration": value}

    root = twiml(twilio_post(_url("/voice/fallback-result", l=value), form))

    assert root.find("Record") is not None  # nobody answered there: a message for a callback


def _dial_result(twilio_post: Post, value: str) -> None:
    form = {**_live_call(twilio_post), "DialCallStatus": value, "DialCallSid": value}

    root = twiml(twilio_post(_url("/voice/dial-result", l=value), form))

    assert destination(root)[0] == "dial"


def _no_message(twilio_post: Post, value: str) -> None:
    params = _live_call(twilio_post)

    root = twiml(twilio_post(_url("/voice/no-message", l=value), {**params, "From": value}))

    # A callback to a number we may dial; else a person (or a message) is offered instead.
    if root.find("Gather") is None:
        assert root.find("Hangup") is not None and "call you back" in spoken(root)
    else:
        assert destination(root) == ("dial", FALLBACK_NUMBER)
    assert _recorded(params["CallSid"])


def _voicemail(twilio_post: Post, value: str) -> None:
    form = {
        **_live_call(twilio_post),
        "From": value,
        "RecordingUrl": RECORDING + value,
        "RecordingDuration": value,
        "RecordingSid": value,
        "Digits": value,
    }
    tasks_before = _count(Task)

    root = twiml(twilio_post(_url("/voice/voicemail", q=value, l=value), form))

    assert root.find("Hangup") is not None, spoken(root)
    assert _count(Task) == tasks_before + 1, "the voicemail was lost"
    assert db.session.scalars(select(Task).order_by(Task.id.desc())).first().kind == (
        TaskKind.VOICEMAIL
    )


def _agent_legs(twilio_post: Post, value: str) -> None:
    form = {**_live_call(twilio_post), "DialCallStatus": value, "CallStatus": value}
    args = {"agent": value, "c": value, "q": value, "l": value, "t": value}

    rung = twiml(twilio_post(_url("/voice/connect", **args), form))
    called_back = twiml(twilio_post(_url("/voice/callback-connect", **args), form))
    for path in ("/voice/whisper", "/voice/connect-result", "/voice/callback-result"):
        twiml(twilio_post(_url(path, **args), form))
    twiml(twilio_post(_url("/voice/callback-status", **args), form))

    assert destination(rung)[0] == "dial"
    assert destination(called_back)[0] == "dial"


WEBHOOKS = {
    "incoming": _incoming,
    "step": _step,
    "status": _status,
    "hold": _hold,
    "hold-key": _hold_key,
    "queue-exit": _queue_exit,
    "fallback-result": _fallback_result,
    "dial-result": _dial_result,
    "no-message": _no_message,
    "voicemail": _voicemail,
    "agent legs": _agent_legs,
}


@pytest.mark.parametrize("webhook", WEBHOOKS)
def test_every_voice_webhook_answers_hostile_values_with_a_person_and_loses_nothing(
    line, twilio_post, webhook
):
    staff_queues(line, presence="busy")  # at work but busy: callers wait in line

    for value in HOSTILE:
        try:
            WEBHOOKS[webhook](twilio_post, value)
        except AssertionError as failure:
            raise AssertionError(f"{webhook} with {value[:40]!r}: {failure}") from failure


def _url(path: str, **args: str) -> str:
    return f"{path}?{urlencode(args)}"


def _live_call(twilio_post: Post) -> dict[str, str]:
    params = call_params(To=MAIN_LINE)
    twiml(twilio_post("/voice/incoming", params))
    return params


def _waiting_caller(twilio_post: Post) -> dict[str, str]:
    caller = queue_caller(twilio_post)
    return {k: v for k, v in caller.items() if not k.startswith("_")}


def _recorded(sid_prefix: str) -> int:
    """The id of the interaction whose CallSid starts with ``sid_prefix``."""
    found = db.session.scalar(
        select(Interaction.id).where(Interaction.twilio_sid.startswith(sid_prefix))
    )
    assert found is not None, f"no interaction for {sid_prefix}"
    return int(found)


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))
