"""SMS conversations with agents: AGENT puts the texter in line by the calls' policy; an
agent may hold several texts and stay free for a call; they reply through Twilio (with a
status callback) and close with a wrap-up code."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from sqlalchemy import select

from app.extensions import db
from app.models import Conversation, ConversationState, Interaction, InteractionChannel
from routing import TEXT_CAPACITY
from routing.model import Presence
from tests.functional.desks import hire
from tests.functional.texts import replies, sms_params
from tests.support import ACCOUNT_SID

MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def texter(n: int) -> str:
    return f"+1415555{n:04d}"


def ask_for_agent(twilio_post, phone: str, body: str = "I need a person") -> int:
    twilio_post("/sms/incoming", sms_params(body, From=phone))
    replies(twilio_post("/sms/incoming", sms_params("AGENT", From=phone)))
    return db.session.scalars(select(Conversation.id).where(Conversation.phone == phone)).one()


def message_created(twilio_api, sid: str = "SM" + "a" * 32) -> None:
    twilio_api.add(
        "POST",
        MESSAGES,
        status=201,
        json={
            "account_sid": ACCOUNT_SID,
            "api_version": "2010-04-01",
            "body": "ok",
            "direction": "outbound-api",
            "error_code": None,
            "from": "+15558675310",
            "num_segments": "1",
            "sid": sid,
            "status": "queued",
            "to": texter(1),
        },
    )


def test_agent_puts_the_texter_in_line_and_the_free_agent_is_offered_it(
    app, center, twilio_post
) -> None:
    ana = hire(app, "Ana Torres")
    ana.available()

    conversation_id = ask_for_agent(twilio_post, texter(1))

    offer = ana.offer()
    assert offer["contact_id"] == f"sms:{conversation_id}"
    conversation = db.session.get(Conversation, conversation_id)
    assert (conversation.state, conversation.queue) == (ConversationState.QUEUED, "general")
    record = db.session.get(Interaction, conversation.interaction_id)
    assert record.channel is InteractionChannel.SMS


def test_an_agent_holds_several_texts_and_stays_free_for_a_call(app, center, twilio_post) -> None:
    ana = hire(app, "Ana Torres")
    ana.available()

    for n in range(1, TEXT_CAPACITY + 2):
        ask_for_agent(twilio_post, texter(n))
        if n <= TEXT_CAPACITY:
            accepted = ana.call("POST", "/api/agent/accept")
            assert accepted.status_code == 200, accepted.get_json()
            assert accepted.get_json()["kind"] == "sms"

    presence = center.presence(ana.id)
    assert presence.state is Presence.AVAILABLE and presence.texts == TEXT_CAPACITY
    assert ana.offer() is None  # the fourth text waits: her text slots are full
    pulled = ana.call("POST", "/api/agent/accept")
    assert pulled.status_code == 409
    assert "close one first" in pulled.get_json()["error"]
    mine = ana.call("GET", "/api/agent/texts").get_json()["conversations"]
    assert len(mine) == TEXT_CAPACITY


def test_the_agent_reads_the_thread_replies_and_closes_with_a_wrap_up_code(
    app, center, twilio_post, twilio_api
) -> None:
    ana = hire(app, "Ana Torres")
    ana.available()
    conversation_id = ask_for_agent(twilio_post, texter(1), "my router keeps dropping")
    ana.call("POST", "/api/agent/accept")
    message_created(twilio_api)

    thread = ana.call("GET", f"/api/agent/texts/{conversation_id}").get_json()
    sent = ana.call("POST", f"/api/agent/texts/{conversation_id}/reply", body="Hi, Ana here.")
    closed = ana.call("POST", f"/api/agent/texts/{conversation_id}/close", wrap_up_code="resolved")

    bodies = [message["body"] for message in thread["messages"]]
    assert bodies[0] == "my router keeps dropping" and "AGENT" in bodies
    assert "resolved" in thread["wrap_up_codes"]
    assert sent.status_code == 201, sent.get_json()
    request = parse_qs(twilio_api.calls[0].request.body)
    assert request["To"] == [texter(1)] and request["Body"] == ["Hi, Ana here."]
    assert request["StatusCallback"] == ["https://helpline.example.com/sms/status"]
    assert closed.get_json()["conversation"]["state"] == "closed"
    assert center.presence(ana.id).texts == 0


def test_an_agent_cannot_text_a_number_that_opted_out(app, center, twilio_post) -> None:
    ana = hire(app, "Ana Torres")
    ana.available()
    conversation_id = ask_for_agent(twilio_post, texter(1))
    ana.call("POST", "/api/agent/accept")
    twilio_post("/sms/incoming", sms_params("STOP", From=texter(1), OptOutType="STOP"))
    # Even were the conversation still open (the STOP closed it), nothing is sent.
    db.session.get(Conversation, conversation_id).state = ConversationState.WITH_AGENT
    db.session.commit()

    refused = ana.call("POST", f"/api/agent/texts/{conversation_id}/reply", body="hello?")

    assert refused.status_code == 409
    assert "opted_out" in refused.get_json()["error"]


def test_twilio_refusing_with_21610_records_the_opt_out(
    app, center, twilio_post, twilio_api
) -> None:
    ana = hire(app, "Ana Torres")
    ana.available()
    conversation_id = ask_for_agent(twilio_post, texter(1))
    ana.call("POST", "/api/agent/accept")
    twilio_api.add(
        "POST",
        MESSAGES,
        status=400,
        body=json.dumps(
            {
                "code": 21610,
                "message": "Attempt to send to unsubscribed recipient",
                "more_info": "https://www.twilio.com/docs/errors/21610",
                "status": 400,
            }
        ),
    )

    refused = ana.call("POST", f"/api/agent/texts/{conversation_id}/reply", body="hello?")
    again = ana.call("POST", f"/api/agent/texts/{conversation_id}/reply", body="hello??")

    assert refused.status_code == 502
    assert again.status_code == 409  # no second request reaches Twilio


def test_another_agents_conversation_is_refused(app, center, twilio_post) -> None:
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    ana.available()
    conversation_id = ask_for_agent(twilio_post, texter(1))
    ana.call("POST", "/api/agent/accept")

    looked = ben.call("GET", f"/api/agent/texts/{conversation_id}")
    missing = ben.call("GET", "/api/agent/texts/99999999999")

    assert looked.status_code == 403 and missing.status_code == 404


def test_the_texts_api_refuses_the_logged_out_and_changes_without_csrf(app, client) -> None:
    assert client.get("/api/agent/texts").status_code == 401
    assert client.post("/api/agent/texts/1/reply", json={"body": "x"}).status_code in (400, 401)
