"""Leaving the queue: the overflow ladder, the fallback line and what comes after it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Task
from routing.entries import EntryState
from routing.model import Presence
from tests.functional.desks import hire
from tests.functional.queue_calls import (
    SALES_LINE,
    hold,
    leave,
    queue_caller,
    sales_caller,
    store,
)
from tests.functional.voice import (
    FALLBACK,
    MAIN_LINE,
    destination,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params


def test_caller_past_the_maximum_wait_overflows_keeping_their_priority(line, twilio_post):
    caller = sales_caller(line, twilio_post)
    before = store(line).entry(caller["CallSid"])

    out = hold(twilio_post, caller, waited=240)
    moved = leave(twilio_post, caller)

    assert caller["_queue"] == "sales"
    assert out.find("Leave") is not None
    assert destination(moved) == ("queue", "general")
    after = store(line).entry(caller["CallSid"])
    assert (after.queue, after.score) == ("general", before.score)


def test_with_nobody_at_work_the_caller_goes_to_the_fallback_line_then_voicemail(line, twilio_post):
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))

    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "0"}))
    unanswered = twiml(
        twilio_post(root.find("Dial").get("action"), {**params, "DialCallStatus": "no-answer"})
    )

    assert destination(root) == ("dial", FALLBACK)
    assert unanswered.find("Record") is not None


def test_a_spanish_caller_with_nobody_at_work_is_told_in_spanish_without_an_apology(
    line, twilio_post
):
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    spanish = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "2"}))

    root = twiml(twilio_post(spanish.find("Gather").get("action"), {**params, "Digits": "0"}))

    assert destination(root) == ("dial", FALLBACK)
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}
    assert "Le comunico con alguien" in spoken(root)
    assert "problema" not in spoken(root)  # nothing failed: nobody is at work


def test_agents_logging_out_sends_waiting_callers_up_the_ladder(line, twilio_post):
    agent = staff_queues(line)
    caller = queue_caller(twilio_post)
    store(line).set_presence(agent, Presence.OFFLINE)

    out = hold(twilio_post, caller)
    moved = leave(twilio_post, caller)

    assert out.find("Leave") is not None
    assert destination(moved)[0] == "dial"


def test_conversation_that_ended_is_not_dialed_again(twilio_post):
    root = twiml(twilio_post("/voice/queue-exit?q=billing", call_params(QueueResult="bridged")))

    assert list(root) == []


def test_transfer_nobody_answered_goes_to_the_fallback_line_then_a_message(twilio_post):
    params = call_params(DialCallStatus="no-answer")
    root = twiml(twilio_post("/voice/dial-result?l=es", params))
    unanswered = twiml(
        twilio_post(root.find("Dial").get("action"), {**params, "DialCallStatus": "busy"})
    )

    assert destination(root) == ("dial", FALLBACK)
    assert "problema" not in spoken(root)  # nothing failed: nobody picked up
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}
    assert unanswered.find("Record") is not None


def test_voicemail_without_a_recording_goes_to_a_person(twilio_post):
    root = twiml(twilio_post("/voice/voicemail?q=general&l=en", call_params()))

    assert destination(root) == ("dial", FALLBACK)
    assert "trouble" not in spoken(root)


def nobody_at_the_fallback_line(twilio_post, phone: str):  # type: ignore[no-untyped-def]
    """A caller whose fallback dial went unanswered, then recorded nothing."""
    params = call_params(From=phone)
    record = twiml(
        twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "no-answer"})
    )
    assert record.find("Record") is not None
    # Twilio goes on past an empty <Record> to the <Redirect>.
    return params, twiml(twilio_post(record.find("Redirect").text, params))


def test_a_caller_who_leaves_no_message_at_the_end_of_the_ladder_is_called_back(twilio_post):
    params, root = nobody_at_the_fallback_line(twilio_post, "+14155550177")
    again = twiml(twilio_post("/voice/no-message?l=en", params))  # Twilio retried

    task = db.session.scalars(select(Task)).one()
    assert (task.kind, task.phone, task.status) == ("callback", "+14155550177", "open")
    assert "call you back" in spoken(root)
    assert root.find("Hangup") is not None
    assert spoken(again) == spoken(root)


def test_the_overflow_ladder_ends_at_the_fallback_line_then_a_voicemail_task(line, twilio_post):
    staff_queues(line)
    caller = queue_caller(twilio_post)  # in general, the last queue of every ladder
    assert caller["_queue"] == "general"

    out = hold(twilio_post, caller, waited=600)
    fallback = leave(twilio_post, caller)
    form = {k: v for k, v in caller.items() if not k.startswith("_")}
    unanswered = twiml(
        twilio_post(fallback.find("Dial").get("action"), {**form, "DialCallStatus": "busy"})
    )
    recorded = twiml(
        twilio_post(
            unanswered.find("Record").get("action"),
            {**form, "RecordingUrl": "https://api.twilio.com/rec/RE1", "RecordingDuration": "9"},
        )
    )

    assert out.find("Leave") is not None
    assert destination(fallback) == ("dial", FALLBACK)
    assert recorded.find("Hangup") is not None
    task = db.session.scalars(select(Task)).one()
    assert (task.kind, task.status) == ("voicemail", "open")


def sales_caller_overflowed_to_general(line, twilio_post):  # type: ignore[no-untyped-def]
    """A caller who chose sales, waited past its maximum and moved up to general."""
    caller = sales_caller(line, twilio_post)
    hold(twilio_post, caller, waited=240)
    moved = leave(twilio_post, caller)
    assert destination(moved) == ("queue", "general")
    return caller, moved


def test_a_replayed_overflow_moves_the_caller_once(line, twilio_post):
    caller, moved = sales_caller_overflowed_to_general(line, twilio_post)
    before = store(line).entry(caller["CallSid"])  # offered to the agent at work already

    again = leave(twilio_post, caller)  # Twilio sends the same request again

    assert ET.tostring(again) == ET.tostring(moved)
    after = store(line).entry(caller["CallSid"])
    assert before.state is EntryState.OFFERED
    assert after == before  # not put back to waiting, so nobody else is offered them


def test_a_caller_restored_after_an_overflow_waits_where_twilio_holds_them(
    line, twilio_post, redis_client
):
    caller, _ = sales_caller_overflowed_to_general(line, twilio_post)
    for key in redis_client.keys("helpline:contact:*") + redis_client.keys("helpline:queue:*"):
        if not key.endswith((b":working", b":ready")):
            redis_client.delete(key)

    hold(twilio_post, {**caller, "_queue": "general"})

    assert store(line).entry(caller["CallSid"]).queue == "general"


@pytest.mark.parametrize("result", ["queue-full", "error", "system-error"])
def test_a_caller_sent_from_the_queue_to_the_fallback_line_is_no_longer_waiting(
    line, twilio_post, result
):
    staff_queues(line)
    caller = queue_caller(twilio_post)

    root = leave(twilio_post, caller, result=result)

    assert destination(root) == ("dial", FALLBACK)
    # Out of line (a tombstone says how it left), so nobody will be offered them.
    assert store(line).entry(caller["CallSid"]).state is EntryState.OVERFLOWED


def test_a_spanish_caller_leaving_the_queue_still_hears_spanish(line, twilio_post):
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    spanish = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "2"}))
    queued = twiml(twilio_post(spanish.find("Gather").get("action"), {**params, "Digits": "0"}))
    exit_url = queued.find("Enqueue").get("action")

    root = twiml(twilio_post(exit_url, {**params, "QueueResult": "queue-full"}))

    assert "l=es" in exit_url
    assert destination(root) == ("dial", FALLBACK)
    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}


def test_a_caller_no_agent_at_work_has_the_skills_for_moves_up_the_ladder(
    line, center, clock, twilio_post
):
    emma = hire(line, "Emma Walsh", {"sales": 5})  # sales, but not energy plans
    center.set_presence(emma.id, Presence.BUSY, ["general", "sales"])
    params = call_params(To=SALES_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "1"}))
    plans = twiml(twilio_post(menu.find("Gather").get("action"), {**params, "Digits": "3"}))
    caller = {**params, "_queue": destination(plans)[1]}

    out = hold(twilio_post, caller)
    moved = leave(twilio_post, caller)

    assert caller["_queue"] == "sales"
    assert out.find("Leave") is not None  # not told to wait for someone who cannot help
    assert destination(moved) == ("queue", "general")
    assert center.entry(params["CallSid"]).payload["skills"] == []  # general serves anyone
