"""Values a SIP trunk or a carrier may send, and what the store keeps of them.

PostgreSQL refuses what SQLite takes (NUL bytes, text longer than its column, integers
beyond its range): run with ``TEST_DATABASE_URL`` set to see these on both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CallStep, Interaction, Task
from routing.store import EntryState
from tests.functional.queue_calls import queue_caller, store
from tests.functional.voice import (
    MAIN_LINE,
    RECORDING,
    SIP_CALLER,
    destination,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params


def test_a_sip_caller_who_leaves_a_voicemail_keeps_it_with_their_address(line, twilio_post):
    params = call_params(To=MAIN_LINE, From=SIP_CALLER, Caller=SIP_CALLER)
    twiml(twilio_post("/voice/incoming", params))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "21"}

    root = twiml(twilio_post("/voice/voicemail?q=general&l=en", recorded))

    task = db.session.scalars(select(Task)).one()
    interaction = db.session.scalars(select(Interaction)).one()
    assert (task.kind, task.phone, task.recording_seconds) == ("voicemail", SIP_CALLER, 21)
    assert interaction.from_number == SIP_CALLER
    # A SIP address is not a number the callback policy dials: a person listens instead.
    assert "a person will listen to it" in spoken(root)


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
