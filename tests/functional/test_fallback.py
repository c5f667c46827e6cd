"""The fallback webhooks reach a human whatever else is broken."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.support import (
    FALLBACK_NUMBER,
    PUBLIC_BASE_URL,
    call_params,
    sign,
    signed_post,
    unused_port,
)


def test_voice_fallback_apologizes_and_dials_the_human_line(twilio_post):
    response = twilio_post("/voice/fallback", call_params(ErrorCode="11200"))

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert [child.tag for child in root] == ["Say", "Dial"]
    assert "sorry" in root.find("Say").text.lower()
    assert root.find("Dial").text == FALLBACK_NUMBER


def test_voice_fallback_dials_a_human_with_database_and_redis_down(make_app):
    port = unused_port()
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    client = app.test_client()

    response = signed_post(client, "/voice/fallback", call_params())

    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Dial").text == FALLBACK_NUMBER


def test_health_names_the_stores_that_are_down(make_app):
    port = unused_port()
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "down", "redis": "down"}


def test_health_is_ok_when_both_stores_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_sms_fallback_apologizes_and_gives_the_human_line(twilio_post):
    response = twilio_post(
        "/sms/fallback",
        {"MessageSid": "SM" + "0" * 32, "From": "+14155550123", "Body": "help"},
    )

    assert response.status_code == 200
    message = ET.fromstring(response.data).find("Message")
    assert FALLBACK_NUMBER in message.text


def text(**fields: str) -> dict[str, str]:
    """An inbound message webhook's form, as Twilio sends it."""
    return {
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": "AC" + "a1" * 16,
        "From": "+14155550123",
        "To": "+15558675310",
        "Body": "my internet is down",
        "NumMedia": "0",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        **fields,
    }


def test_a_text_is_answered_with_the_way_to_a_person_by_phone(twilio_post):
    response = twilio_post("/sms/incoming", text())

    message = ET.fromstring(response.data).find("Message")
    assert response.status_code == 200
    assert FALLBACK_NUMBER in message.text and "talk to a person" in message.text


def test_an_opt_out_twilio_already_answered_gets_no_second_reply(twilio_post):
    response = twilio_post("/sms/incoming", text(Body="STOP", OptOutType="STOP"))

    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Message") is None


def test_unsigned_webhook_is_refused(client):
    response = client.post("/voice/fallback", data=call_params())

    assert response.status_code == 403


def test_webhook_signed_with_another_token_is_refused(client):
    params = call_params()
    bad = sign(PUBLIC_BASE_URL + "/voice/fallback", params, token="someone-elses-token")

    response = client.post("/voice/fallback", data=params, headers={"X-Twilio-Signature": bad})

    assert response.status_code == 403


def test_webhook_with_a_changed_parameter_is_refused(client):
    params = call_params()
    signature = sign(PUBLIC_BASE_URL + "/voice/fallback", params)
    params["From"] = "+19995550100"

    response = client.post(
        "/voice/fallback", data=params, headers={"X-Twilio-Signature": signature}
    )

    assert response.status_code == 403
