"""Callers walk the IVR through the voice webhooks and always reach a person."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, select

from app.extensions import db
from app.models import CallStep, Case, Customer, Interaction, Task, Tier
from tests.functional.voice import (
    CLOSED,
    FALLBACK,
    MAIN_LINE,
    OPEN,
    destination,
    gather_action,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params


@pytest.fixture
def open_hours(app):
    app.config["CLOCK"] = lambda: OPEN
    staff_queues(app)
    return app


@pytest.fixture
def call(open_hours, twilio_post):
    """A call in progress: ``call.start()`` then ``call.answer(Digits=...)``."""

    class Call:
        def __init__(self) -> None:
            self.params = call_params(To=MAIN_LINE)
            self.next_url = ""

        def start(self, **overrides: str):
            self.params.update(overrides)
            root = twiml(twilio_post("/voice/incoming", self.params))
            self.next_url = _next(root, self.next_url)
            return root

        def answer(self, **reply: str):
            root = twiml(twilio_post(self.next_url, {**self.params, **reply}))
            self.next_url = _next(root, self.next_url)
            return root

    return Call()


def _next(root, previous: str) -> str:  # type: ignore[no-untyped-def]
    gather = root.find("Gather")
    return gather.get("action") if gather is not None else previous


def test_first_menu_listens_for_keys_and_speech_and_posts_silence_back(call):
    root = call.start()

    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather_action(root).startswith("/voice/step?s=")
    assert "Northwind" in spoken(root)
    assert root.find("Redirect").text == gather_action(root)


def test_pressing_zero_at_the_first_menu_reaches_a_person_on_the_next_response(call):
    call.start()

    root = call.answer(Digits="0")

    assert destination(root)[0] == "queue"


def test_english_caller_chooses_billing_and_is_queued_for_billing(call):
    call.start()
    call.answer(Digits="1")
    call.answer(Digits="1")

    root = call.answer(Digits="12345678")

    assert destination(root) == ("queue", "billing")
    assert "billing team" in spoken(root)


def test_spanish_speaker_hears_spanish_and_reaches_a_person_by_saying_agente(call):
    call.start()
    menu = call.answer(Digits="2")

    root = call.answer(SpeechResult="agente", Confidence="0.87")

    assert "oprima" in spoken(menu)
    assert destination(root)[0] == "queue"
    assert root.find("Say").get("language") == "es-US"


def test_asking_for_a_person_in_spanish_at_the_language_question_goes_on_in_spanish(call):
    call.start()

    root = call.answer(SpeechResult="quiero hablar con una persona", Confidence="0.9")

    assert destination(root) == ("queue", "spanish")
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}


def test_two_silences_at_the_main_menu_go_to_a_person(call):
    call.start()
    call.answer(Digits="1")
    call.answer()

    root = call.answer()

    assert destination(root)[0] == "queue"


@pytest.mark.parametrize("tier", [Tier.GOLD, Tier.PLATINUM])
def test_gold_and_platinum_callers_skip_the_menu_to_priority_care(call, tier):
    db.session.add(Customer(phone="+14155550123", name="Grace", tier=tier, language="en"))
    db.session.commit()

    root = call.start(From="+14155550123")

    assert destination(root) == ("queue", "priority")


@pytest.mark.parametrize(
    "reply",
    [
        {"Digits": "abc#*99"},
        {"Digits": "\x00\ufffd"},
        {"SpeechResult": "x" * 10_000, "Confidence": "not-a-number"},
        {"Digits": "9" * 500},
    ],
)
def test_garbage_input_gets_valid_twiml_and_never_a_dead_end(call, reply):
    call.start()
    call.answer(Digits="1")

    first = call.answer(**reply)
    second = call.answer(**reply)

    assert first.find("Gather") is not None or destination(first)[0]
    assert destination(second)[0]  # the second bad answer goes to a person


def test_tampered_state_goes_to_the_fallback_line(call, twilio_post):
    call.start()
    tampered = call.next_url[:-3] + "xyz"

    root = twiml(twilio_post(tampered, {**call.params, "Digits": "1"}))

    assert destination(root) == ("dial", FALLBACK)


def test_a_calls_action_url_replayed_in_another_call_is_recorded_on_that_call(call, twilio_post):
    call.start(From="+14155550123")
    other = call_params(To=MAIN_LINE, From="+14155550199")
    twiml(twilio_post("/voice/incoming", other))

    root = twiml(twilio_post(call.next_url, {**other, "Digits": "0"}))

    assert destination(root)[0] == "queue"
    steps = dict(
        db.session.execute(
            select(Interaction.from_number, func.count(CallStep.id))
            .join(CallStep, CallStep.interaction_id == Interaction.id)
            .group_by(Interaction.from_number)
        ).all()
    )
    assert steps["+14155550123"] < steps["+14155550199"]  # the step went to the call that made it


def test_missing_parameters_still_get_a_menu(twilio_post, open_hours):
    root = twiml(twilio_post("/voice/incoming", {}))

    assert root.find("Gather") is not None


def test_replayed_incoming_webhook_records_one_interaction(call, twilio_post):
    call.start()
    twiml(twilio_post("/voice/incoming", call.params))

    count = db.session.scalar(select(func.count()).select_from(Interaction))

    assert count == 1


def test_unknown_call_sid_at_a_step_still_gets_an_answer(call):
    call.start()
    call.params["CallSid"] = "CA" + "f" * 32

    root = call.answer(Digits="0")

    assert destination(root)[0] == "queue"


def test_a_call_whose_record_vanished_mid_call_keeps_its_menu_and_is_recorded_again(call):
    call.start()
    db.session.execute(delete(Interaction))
    db.session.commit()

    root = call.answer(Digits="1")  # English, at the language menu

    assert "For billing" in spoken(root)  # the main menu, not the fallback line
    assert root.find("Dial") is None
    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.twilio_sid == call.params["CallSid"]
    events = db.session.scalars(
        select(CallStep.event).where(CallStep.interaction_id == interaction.id)
    ).all()
    assert events[0] == "digits"


def test_status_callback_closes_the_interaction_with_duration_and_outcome(call, twilio_post):
    call.start()
    call.answer(Digits="0")

    twilio_post("/voice/status", {**call.params, "CallStatus": "completed", "CallDuration": "74"})

    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.ended_at is not None
    assert interaction.details["duration"] == 74
    assert interaction.outcome == "queued"


def test_caller_who_hangs_up_in_the_menu_is_recorded_where_they_dropped(call, twilio_post):
    call.start()
    call.answer(Digits="1")

    twilio_post("/voice/status", {**call.params, "CallStatus": "completed", "CallDuration": "9"})

    interaction = db.session.scalars(select(Interaction)).one()
    last = db.session.scalars(select(CallStep).order_by(CallStep.id.desc())).first()
    assert interaction.outcome == "abandoned_in_ivr"
    assert last.node_id == "main_menu"


def test_known_caller_with_an_open_case_is_linked_to_the_interaction(call):
    customer = Customer(phone="+14155550123", name="Ada", tier=Tier.BRONZE)
    db.session.add(customer)
    db.session.flush()
    db.session.add(Case(customer_id=customer.id, subject="Meter error"))
    db.session.commit()

    call.start(From="+14155550123")

    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.customer_id == customer.id


def test_after_hours_caller_can_ask_for_a_callback_that_becomes_a_task(app, call):
    app.config["CLOCK"] = lambda: CLOSED
    call.start()
    call.answer(Digits="1")

    root = call.answer(Digits="1")

    task = db.session.scalars(select(Task)).one()
    assert (task.kind, task.queue, task.phone) == ("callback", "general", call.params["From"])
    assert "call you back" in spoken(root)


def test_only_menu_steps_may_commit_without_waiting_for_the_disk(app, call):
    app.config["CLOCK"] = lambda: CLOSED
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        call.start()
        call.answer(Digits="1")  # English: a menu step
        menu_steps = list(statements)
        statements.clear()
        call.answer(Digits="1")  # a callback: a task that promises a person
        callback_step = list(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    relaxed = "SET LOCAL synchronous_commit TO OFF"
    assert (relaxed in menu_steps) == (db.engine.dialect.name == "postgresql")
    assert relaxed not in callback_step
    assert db.session.scalars(select(Task)).one().kind == "callback"


def test_after_hours_voicemail_becomes_a_task_with_the_recording(app, call, twilio_post):
    app.config["CLOCK"] = lambda: CLOSED
    call.start()
    call.answer(Digits="1")
    root = call.answer(Digits="2")
    record = root.find("Record")

    done = twiml(
        twilio_post(
            record.get("action"),
            {
                **call.params,
                "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                "RecordingDuration": "21",
                "RecordingSid": "RE1",
            },
        )
    )

    task = db.session.scalars(select(Task)).one()
    assert (task.kind, task.recording_seconds) == ("voicemail", 21)
    assert done.find("Hangup") is not None
    assert destination(root) == ("voicemail", "")
    # An empty recording makes Twilio go on past <Record>: to a person.
    assert [child.tag for child in root][-1] == "Dial"


def test_a_spanish_caller_who_records_nothing_hears_so_in_spanish(app, call):
    app.config["CLOCK"] = lambda: CLOSED
    call.start()
    call.answer(Digits="2")  # Spanish

    root = call.answer(Digits="2")  # a message

    after_record = list(root)[[child.tag for child in root].index("Record") + 1 :]
    said = [(el.get("language"), el.text or "") for el in after_record if el.tag == "Say"]
    assert said == [("es-US", "No recibimos ningún mensaje. Le comunicamos con una persona.")]
