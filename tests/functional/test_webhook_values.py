"""Whatever a webhook carries, the caller reaches a person and nothing is lost.

PostgreSQL refuses what SQLite takes (NUL bytes, text longer than its column, integers
beyond its range): run with ``TEST_DATABASE_URL`` set to see these on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CallStep, Interaction, Task, TaskKind
from routing.store import EntryState
from tests.functional.queue_calls import queue_caller, store
from tests.functional.voice import MAIN_LINE, destination, spoken, staff_queues, twiml
from tests.support import call_params

SIP_CALLER = "sip:alice.johnson@pbx.example.com"  # 33 characters
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"

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


def test_a_sip_caller_who_leaves_a_voicemail_keeps_it_with_their_address(line, twilio_post):
    params = call_params(To=MAIN_LINE, From=SIP_CALLER, Caller=SIP_CALLER)
    twiml(twilio_post("/voice/incoming", params))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "21"}

    root = twiml(twilio_post("/voice/voicemail?q=general&l=en", recorded))

    task = db.session.scalars(select(Task)).one()
    interaction = db.session.scalars(select(Interaction)).one()
    assert (task.kind, task.phone, task.recording_seconds) == ("voicemail", SIP_CALLER, 21)
    assert interaction.from_number == SIP_CALLER
    assert "will call you back" in spoken(root)


@pytest.mark.parametrize(
    "reply", [{"SpeechResult": "billing\x00 please"}, {"Digits": "1\x00"}, {"From": "+1\x00"}]
)
def test_a_nul_byte_from_the_caller_keeps_the_call_record_and_its_steps(line, twilio_post, reply):
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", {**params, **reply}))

    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, **reply}))

    interaction = db.session.scalars(select(Interaction)).one()
    answers = db.session.scalars(
        select(CallStep.event).where(CallStep.event.in_(("digits", "speech", "silence")))
    ).all()
    assert interaction.twilio_sid == params["CallSid"]
    assert len(answers) == 1
    assert root.find("Gather") is not None or destination(root)[0]


def test_a_duration_in_superscript_digits_still_closes_the_call_and_frees_its_place(
    line, twilio_post
):
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post)
    ended = {k: v for k, v in caller.items() if not k.startswith("_")}

    twilio_post("/voice/status", {**ended, "CallStatus": "completed", "CallDuration": "²"})

    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.ended_at is not None
    assert interaction.details["duration"] is None
    assert store(line).entry(caller["CallSid"]).state is EntryState.ABANDONED


@pytest.mark.parametrize(
    ("sent", "kept"), [("18446744073709551616", 2**31 - 1), ("2147483648", 2**31 - 1)]
)
def test_a_recording_longer_than_a_column_holds_keeps_the_voicemail(line, twilio_post, sent, kept):
    params = call_params(To=MAIN_LINE)
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": sent}

    root = twiml(twilio_post("/voice/voicemail?q=general&l=en", recorded))

    task = db.session.scalars(select(Task)).one()
    assert task.recording_seconds == kept
    assert root.find("Hangup") is not None


# Each voice webhook, driven with one hostile value in every field it reads.

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

    # A callback to a number we can dial, else the caller is told to call again.
    assert root.find("Hangup") is not None
    assert "call you back" in spoken(root) or "call us again" in spoken(root)
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
