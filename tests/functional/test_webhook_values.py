"""Whatever a webhook carries, the caller reaches a person and nothing is lost.

PostgreSQL refuses what SQLite takes (NUL bytes, text longer than its column, integers
beyond its range): run with ``TEST_DATABASE_URL`` set to see these on both.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Interaction, Task
from tests.functional.voice import MAIN_LINE, spoken, twiml
from tests.support import call_params

SIP_CALLER = "sip:alice.johnson@pbx.example.com"  # 33 characters
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


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
