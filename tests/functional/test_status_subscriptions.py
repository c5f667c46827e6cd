"""Status updates by text: subscribe on /status, confirm with YES by text, stop with STOP,
the unsubscribe form or a subscription's link; abuse is bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import ConsentSource, StatusSubscription, utcnow
from app.services.incidents import lifecycle, subscriptions
from app.services.texting import numbers
from app.status.limits import init_subscribe_limits
from tests.functional.community import Visitor
from tests.functional.status import (
    MESSAGES,
    PHONE,
    open_incident,
    sent,
    states,
    subscribe,
    texts_sent,
)
from tests.functional.texts import answering, replies, sms_params

ASKED = "Reply YES to get Northwind status updates by text. Reply STOP to stop."


def test_subscribing_texts_the_number_once_asking_for_yes(app, twilio_api):
    texts_sent(twilio_api)

    response = subscribe(Visitor.of(app), "(415) 555-0123")

    assert response.status_code == 200
    assert "Reply YES within 24 hours" in response.get_data(as_text=True)
    [text] = sent(twilio_api)
    assert text["To"] == [PHONE] and text["Body"] == [ASKED]
    assert text["StatusCallback"] == ["https://helpline.example.com/sms/status"]
    assert states() == [(None, "pending")]


@pytest.mark.parametrize("typed", ["hello", "555", "+1 415 555 01234567", ""])
def test_a_number_that_is_no_phone_number_is_refused_plainly_and_nothing_is_texted(
    app, twilio_api, typed
):
    response = subscribe(Visitor.of(app), typed)

    assert response.status_code == 400
    assert "That is not a phone number we can text" in response.get_data(as_text=True)
    assert len(twilio_api.calls) == 0 and states() == []


def test_a_number_that_opted_out_is_not_texted_and_is_told_so(app, twilio_api):
    numbers.opt_out(db.session, PHONE, "keyword STOP", ConsentSource.KEYWORD)
    db.session.commit()

    response = subscribe(Visitor.of(app), PHONE)

    assert response.status_code == 400
    assert "This number has opted out of our texts" in response.get_data(as_text=True)
    assert len(twilio_api.calls) == 0 and states() == []


def test_a_number_twilio_refuses_is_not_left_subscribed(app, twilio_api):
    twilio_api.add("POST", MESSAGES, status=400, json={"code": 21610, "message": "Unsub"})

    response = subscribe(Visitor.of(app), PHONE)

    assert response.status_code == 400
    assert "opted out" in response.get_data(as_text=True)
    assert states() == [(None, "ended")]


def test_an_incident_page_subscribes_to_that_incident_only(app, twilio_api):
    texts_sent(twilio_api)
    incident_id = open_incident("Mobile data down", services=["mobile"])

    response = subscribe(Visitor.of(app), PHONE, incident_id)

    assert "this incident&#39;s updates" in response.get_data(as_text=True)
    assert states() == [(incident_id, "pending")]


def test_a_resolved_or_unknown_incident_takes_no_subscription(app, twilio_api):
    incident_id = open_incident("Mobile data down")
    lifecycle.resolve(db.session, incident_id)
    visitor = Visitor.of(app)

    resolved = subscribe(visitor, PHONE, incident_id)
    unknown = subscribe(visitor, PHONE, 424242)

    assert resolved.status_code == 400
    assert "This incident is resolved" in resolved.get_data(as_text=True)
    assert unknown.status_code == 404 and states() == []


def test_yes_within_a_day_starts_the_subscription_and_says_so(app, twilio_api, twilio_post):
    texts_sent(twilio_api)
    incident_id = open_incident("Mobile data down")
    subscribe(Visitor.of(app), PHONE)

    answer = replies(twilio_post("/sms/incoming", sms_params("Yes", From=PHONE)))

    assert answer == ["You will get Northwind status updates by text. Reply STOP to stop."]
    assert states() == [(None, "active")]
    assert list(subscriptions.subscribers(db.session, incident_id)) == [PHONE]


def test_yes_confirms_a_pending_subscription_before_it_answers_a_deflection(
    app, twilio_api, twilio_post, monkeypatch
):
    told = answering(monkeypatch)
    texts_sent(twilio_api)
    replies(twilio_post("/sms/incoming", sms_params("How do I restart my router?", From=PHONE)))
    subscribe(Visitor.of(app), PHONE)

    first = replies(twilio_post("/sms/incoming", sms_params("YES", From=PHONE)))
    second = replies(twilio_post("/sms/incoming", sms_params("YES", From=PHONE)))

    assert first == ["You will get Northwind status updates by text. Reply STOP to stop."]
    assert states() == [(None, "active")]
    assert second == ["Great, glad that helped! Text us any time."]  # then YES means solved
    assert told == [("How do I restart my router?", True)]


def test_yes_a_day_late_starts_nothing(app, twilio_api, twilio_post):
    texts_sent(twilio_api)
    subscribe(Visitor.of(app), PHONE)
    db.session.execute(update(StatusSubscription).values(texted_at=utcnow() - timedelta(hours=25)))
    db.session.commit()

    answer = replies(twilio_post("/sms/incoming", sms_params("YES", From=PHONE)))

    assert "status updates" not in " ".join(answer)
    assert states() == [(None, "pending")]


def test_yes_from_a_number_with_nothing_pending_keeps_its_old_meaning(app, twilio_post):
    answer = replies(twilio_post("/sms/incoming", sms_params("YES", From=PHONE)))

    assert answer == ["You're subscribed again. Reply STOP to unsubscribe, HELP for help."]
    assert states() == []


@pytest.mark.parametrize(
    "stop", [{"Body": "STOP"}, {"Body": "Cancelar"}, {"Body": "stop", "OptOutType": "STOP"}]
)
def test_stop_ends_every_subscription_of_the_number(app, twilio_api, twilio_post, stop):
    texts_sent(twilio_api, 2)
    incident_id = open_incident("Mobile data down")
    visitor = Visitor.of(app)
    subscribe(visitor, PHONE)
    twilio_post("/sms/incoming", sms_params("YES", From=PHONE))
    subscribe(visitor, PHONE, incident_id)  # still pending

    twilio_post("/sms/incoming", sms_params(stop.pop("Body"), From=PHONE, **stop))

    assert states() == [(None, "ended"), (incident_id, "ended")]
    assert list(subscriptions.subscribers(db.session, incident_id)) == []


def test_the_subscribers_of_an_incident_are_its_own_and_those_of_every_incident(app):
    first, second = open_incident("First"), open_incident("Second")
    rows = [("+14155550101", None), ("+14155550102", first), ("+14155550103", second)]
    for n, (phone, incident_id) in enumerate(rows):
        db.session.add(
            StatusSubscription(phone=phone, incident_id=incident_id, state="active", token=str(n))
        )
    db.session.add(StatusSubscription(phone="+14155550104", state="pending", token="p"))
    db.session.add(StatusSubscription(phone="+14155550105", state="ended", token="e"))
    db.session.commit()

    found = subscriptions.subscribers(db.session, first)

    assert list(found) == ["+14155550101", "+14155550102"]


def test_the_unsubscribe_form_ends_the_numbers_subscriptions_and_answers_alike_for_any(
    app, twilio_api, twilio_post
):
    texts_sent(twilio_api)
    visitor = Visitor.of(app)
    subscribe(visitor, PHONE)
    twilio_post("/sms/incoming", sms_params("YES", From=PHONE))

    mine = visitor.post("/status/unsubscribe", {"phone": "+1 415 555 0123"})
    stranger = visitor.post("/status/unsubscribe", {"phone": "+1 415 555 0177"})

    assert states() == [(None, "ended")]
    assert mine.status_code == stranger.status_code == 200
    mine_said = mine.get_data(as_text=True).replace("+14155550123", "NUMBER")
    assert mine_said == stranger.get_data(as_text=True).replace("+14155550177", "NUMBER")
    assert "NUMBER will get no status texts from us." in mine_said


def test_an_unsubscribe_link_ends_its_own_subscription_after_a_button_press(app, twilio_api):
    texts_sent(twilio_api, 2)
    incident_id = open_incident("Mobile data down")
    visitor = Visitor.of(app)
    subscribe(visitor, PHONE)
    subscribe(visitor, PHONE, incident_id)
    token = db.session.scalars(
        select(StatusSubscription.token).where(StatusSubscription.incident_id == incident_id)
    ).one()

    opened = visitor.get(f"/status/unsubscribe/{token}")
    before = states()
    pressed = visitor.post(f"/status/unsubscribe/{token}")

    assert "Stop these texts" in opened.get_data(as_text=True)
    assert before == [(None, "pending"), (incident_id, "pending")]
    assert pressed.status_code == 200
    assert states() == [(None, "pending"), (incident_id, "ended")]
    assert visitor.get("/status/unsubscribe/not-a-token").status_code == 404


def test_subscribing_too_often_from_one_address_is_refused(app, twilio_api):
    app.config["STATUS_SUBSCRIBE_LIMIT"] = "2/hour"
    init_subscribe_limits(app)
    texts_sent(twilio_api, 2)
    visitor = Visitor.of(app)

    codes = [
        subscribe(visitor, f"+1415555010{n}", address="203.0.113.7").status_code for n in range(3)
    ]
    other = subscribe(visitor, "hello", address="203.0.113.8")

    assert codes == [200, 200, 429]
    assert len(twilio_api.calls) == 2
    assert other.status_code == 400  # another address is not held back


def test_subscribing_one_number_too_often_is_refused_from_any_address(app, twilio_api):
    app.config["STATUS_SUBSCRIBE_LIMIT"] = "2/hour"
    init_subscribe_limits(app)
    texts_sent(twilio_api, 2)
    visitor = Visitor.of(app)

    responses = [subscribe(visitor, PHONE, address=f"203.0.113.{n}") for n in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "Too many requests to subscribe just now" in responses[2].get_data(as_text=True)
    assert int(responses[2].headers["Retry-After"]) > 0
    assert len(twilio_api.calls) == 2


def test_a_form_without_its_csrf_token_changes_nothing(app, twilio_api):
    response = Visitor.of(app).post("/status/subscribe", {"phone": PHONE}, csrf=False)

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert len(twilio_api.calls) == 0 and states() == []


def test_a_form_too_large_to_be_a_phone_number_is_refused(app, twilio_api):
    response = Visitor.of(app).post("/status/subscribe", {"phone": PHONE, "x": "9" * 10_000})

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert len(twilio_api.calls) == 0 and states() == []
