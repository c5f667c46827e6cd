"""The end of a call, as Twilio's status callback tells it, is on record: even for a call
whose first webhook fell back before it could be recorded."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction, Task
from tests.functional.voice import MAIN_LINE, RECORDING
from tests.support import call_params


def test_the_end_of_a_call_never_recorded_is_recorded(app, twilio_post):
    params = call_params(CallStatus="completed", CallDuration="42", From="+14155550188")

    twilio_post("/voice/status", params)

    interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.twilio_sid, interaction.from_number, interaction.to_number) == (
        params["CallSid"],
        "+14155550188",
        MAIN_LINE,
    )
    assert interaction.details["status"] == "completed"
    assert interaction.details["duration"] == 42
    assert interaction.ended_at is not None
    assert interaction.outcome == "unrecorded"


def test_the_end_of_a_call_never_recorded_is_recorded_once_however_often_twilio_sends_it(
    app, twilio_post
):
    params = call_params(CallStatus="no-answer", CallDuration="0")

    for _ in range(3):
        twilio_post("/voice/status", params)

    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 1


def test_a_call_never_recorded_that_left_a_message_is_recorded_with_its_message(app, twilio_post):
    caller = call_params(RecordingUrl=RECORDING, RecordingDuration="12")
    twilio_post("/voice/voicemail?q=general&l=en", caller)  # its first webhook had fallen back

    twilio_post("/voice/status", {**caller, "CallStatus": "completed", "CallDuration": "80"})

    interaction = db.session.scalars(select(Interaction)).one()
    task = db.session.scalars(select(Task)).one()
    assert interaction.outcome == "voicemail"
    assert task.interaction_id == interaction.id
