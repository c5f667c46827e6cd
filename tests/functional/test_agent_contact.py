"""My current contact: what the console shows of the contact I accepted and owe a wrap-up
for, and the draft notes kept on the server while I type."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from tests.functional.agent_calls import finish, queued_caller
from tests.functional.contact_calls import (
    KNOWN_TO_BILLING,
    billing_call_answered,
    known_customer,
    my_contact,
)


def test_without_a_contact_the_console_gets_null_and_the_wrap_up_codes(desk):
    answer = my_contact(desk)

    assert answer["contact"] is None
    assert answer["wrap_up_owed"] is False
    assert answer["wrap_up_codes"][:2] == ["resolved", "follow_up"]


def test_my_answered_call_comes_with_its_traces_customer_and_ivr_path(
    desk, twilio_post, twilio_api
):
    customer = known_customer()
    caller = billing_call_answered(desk, twilio_post, twilio_api, KNOWN_TO_BILLING)

    answer = my_contact(desk)

    contact = answer["contact"]
    assert answer["wrap_up_owed"] is True
    assert (contact["contact_id"], contact["kind"]) == (caller["CallSid"], "call")
    assert (contact["queue"], contact["state"]) == ("billing", "talking")
    assert contact["since"] is not None
    assert any("silver" in line for line in contact["trace"])
    assert any("Ana Torres" in line for line in contact["offer_trace"])
    assert contact["customer"]["id"] == customer.id
    assert contact["customer"]["accounts"][0]["number"] == "12345678"
    assert contact["ivr"]["collected"] == {"account_number": "12345678"}
    keys = [step["keys"] for step in contact["ivr"]["steps"] if step["event"] == "digits"]
    assert keys == ["1", "12345678"]


def test_an_unknown_caller_has_no_customer(desk, twilio_post, twilio_api):
    billing_call_answered(desk, twilio_post, twilio_api)

    assert my_contact(desk)["contact"]["customer"] is None


def test_a_new_contact_is_refused_while_a_wrap_up_is_owed(desk, twilio_post, twilio_api, app):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    queued_caller(twilio_post)
    app.extensions["routing.store"].set_presence(desk.id, "available")  # logged back in

    response = desk.call("POST", "/api/agent/accept")

    assert response.status_code == 409
    assert caller["CallSid"] in response.get_json()["error"]
    assert "wrap up" in response.get_json()["error"]


def test_an_agent_who_owes_a_wrap_up_cannot_become_available(desk, twilio_post, twilio_api, app):
    billing_call_answered(desk, twilio_post, twilio_api)
    assert desk.call("PUT", "/api/agent/presence", state="offline").status_code == 200

    response = desk.call("PUT", "/api/agent/presence", state="available")

    assert response.status_code == 409
    assert "wrap up" in response.get_json()["error"]


def test_after_the_wrap_up_nothing_is_owed_and_a_new_contact_may_be_taken(
    desk, twilio_post, twilio_api
):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    assert finish(desk, caller["CallSid"]).status_code == 200

    answer = my_contact(desk)

    assert (answer["contact"], answer["wrap_up_owed"]) == (None, False)


def test_a_call_that_went_back_in_line_is_no_longer_mine(desk, twilio_post, twilio_api):
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    from tests.functional.agent_calls import member_redirected

    member_redirected(twilio_api, caller["CallSid"])
    assert desk.call("POST", "/api/agent/accept").status_code == 200
    path = f"/voice/connect-result?agent={desk.id}&c={caller['CallSid']}&q=general&l=en"
    twilio_post(path, {**caller, "DialCallStatus": "no-answer"})

    assert my_contact(desk)["contact"] is None


def test_draft_notes_survive_a_reload_and_the_wrap_up_keeps_the_final_notes(
    desk, twilio_post, twilio_api
):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    notes = "<b>Late fee</b> waived \U0001f44d"
    saved = desk.call("PUT", "/api/agent/contact/notes", contact_id=caller["CallSid"], notes=notes)
    assert saved.status_code == 200

    assert my_contact(desk)["contact"]["notes_draft"] == notes  # stored as given
    assert finish(desk, caller["CallSid"], "resolved", "Final notes.").status_code == 200
    record = db.session.scalars(select(Interaction)).one()
    db.session.refresh(record)
    assert record.notes == "Final notes."
    assert desk.call("GET", "/api/agent/contact").get_json()["contact"] is None


def test_the_draft_is_gone_after_the_wrap_up(desk, twilio_post, twilio_api, redis_client):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    desk.call("PUT", "/api/agent/contact/notes", contact_id=caller["CallSid"], notes="typing")

    finish(desk, caller["CallSid"], "resolved", "done")

    assert redis_client.keys("helpline:desk:*:draft:*") == []


def test_notes_on_a_contact_that_is_not_mine_are_refused(desk):
    response = desk.call("PUT", "/api/agent/contact/notes", contact_id="CA" + "0" * 32, notes="x")

    assert response.status_code == 403


def test_notes_too_long_are_refused_without_losing_the_draft(desk, twilio_post, twilio_api):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    desk.call("PUT", "/api/agent/contact/notes", contact_id=caller["CallSid"], notes="kept")

    response = desk.call(
        "PUT", "/api/agent/contact/notes", contact_id=caller["CallSid"], notes="x" * 10_001
    )

    assert response.status_code == 400
    assert my_contact(desk)["contact"]["notes_draft"] == "kept"
