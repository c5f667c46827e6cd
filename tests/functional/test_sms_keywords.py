"""Keywords first: STOP, START, HELP in English and Spanish; Twilio's own answers never
doubled; after an opt-out nothing is sent but the one confirmation."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Channel, ConsentEvent, ConsentSource, Customer, Message, Purpose
from tests.functional.texts import TEXTER, replies, sms_params


def consent_events() -> list[tuple[str, bool]]:
    return [
        (event.purpose.value, event.opted_in)
        for event in db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))
    ]


def test_stop_records_an_opt_out_for_every_purpose_and_confirms_once(twilio_post) -> None:
    first = replies(twilio_post("/sms/incoming", sms_params("Stop")))
    second = replies(twilio_post("/sms/incoming", sms_params("STOP")))

    assert len(first) == 1 and "unsubscribed" in first[0]
    assert second == []
    assert consent_events() == [("service_notices", False), ("marketing", False)]
    event = db.session.scalars(select(ConsentEvent)).first()
    assert event.channel is Channel.SMS and event.source is ConsentSource.KEYWORD


def test_spanish_stop_is_confirmed_in_spanish(twilio_post) -> None:
    answer = replies(twilio_post("/sms/incoming", sms_params("baja")))

    assert "baja" in answer[0]


def test_when_twilio_answered_the_keyword_we_record_it_and_reply_nothing(twilio_post) -> None:
    response = twilio_post("/sms/incoming", sms_params("STOP", OptOutType="STOP"))

    assert replies(response) == []
    assert consent_events()[0] == ("service_notices", False)


def test_after_stop_a_question_is_recorded_but_gets_no_reply(twilio_post) -> None:
    twilio_post("/sms/incoming", sms_params("STOP"))

    for body in ("my internet is down", "HELP", "agent"):
        assert replies(twilio_post("/sms/incoming", sms_params(body))) == []
    assert db.session.scalar(select(func.count(Message.id))) == 5  # 4 in, 1 confirmation


def test_start_opts_back_in_to_service_texts_only(twilio_post) -> None:
    twilio_post("/sms/incoming", sms_params("STOP"))

    answer = replies(twilio_post("/sms/incoming", sms_params("start")))

    assert "subscribed again" in answer[0]
    assert consent_events()[-1] == ("service_notices", True)
    assert len(consent_events()) == 3


def test_help_gives_the_help_text_with_the_human_line(twilio_post) -> None:
    answer = replies(twilio_post("/sms/incoming", sms_params("help")))

    assert "AGENT" in answer[0] and "+15005550006" in answer[0]


def test_an_unknown_texter_who_stops_becomes_a_customer_record_to_keep_it(twilio_post) -> None:
    twilio_post("/sms/incoming", sms_params("QUIT"))

    customer = db.session.scalars(select(Customer)).one()
    assert customer.phone == TEXTER
    assert consent_events()[0] == (Purpose.SERVICE_NOTICES.value, False)
