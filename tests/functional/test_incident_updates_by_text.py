"""A caller an open incident touches hears its notice and may ask for its updates by text
(a key or a word, in English or Spanish): the number they call from is subscribed at once
and texted one confirmation through Twilio's Messages API (mocked with its documented
shapes). A number that opted out is not texted, nor a withheld one; silence, an odd
answer, or a database that fails, and the call goes on to the menu as before."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Account, CallStep, Customer, StatusSubscription, SubscriptionState
from app.services.broadcasts import broadcasts
from app.services.calls import ivr_updates
from app.services.incidents import front_door, subscriptions
from app.services.incidents.lifecycle import Scope, open_incident
from app.services.texting import numbers
from tests.functional.voice import MAIN_LINE, OPEN, gather_action, spoken, staff_queues, twiml
from tests.support import ACCOUNT_SID, PUBLIC_BASE_URL, call_params

MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
OUR_NUMBER = "+15558675300"
CALLER = "+14155550177"
TITLE = "Power outage in Springfield"
MAIN_MENU = "For billing and payments, press 1"
SIGNED_UP = "Done. We'll text updates on this outage to the number you're calling from."


@pytest.fixture
def floor(app):  # type: ignore[no-untyped-def]
    app.config.update(CLOCK=lambda: OPEN, TWILIO_NUMBER=OUR_NUMBER)
    staff_queues(app)


def customer(language: str = "en") -> None:
    person = Customer(phone=CALLER, name="Rosa Diaz", language=language, region="Springfield")
    person.accounts = [Account(number="EL-1001", service="electricity", service_area="North")]
    db.session.add(person)
    db.session.commit()


def incident(scope: Scope | None = None) -> int:
    scope = scope or Scope.of(regions=["Springfield"])
    opened = open_incident(db.session, TITLE, scope, "critical", "Crews are on site.")
    front_door.forget()
    return opened.id


def message_created(twilio_api, to: str = CALLER, status: int = 201, code: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Twilio's answer to ``POST .../Messages.json``: the created message, or an error."""
    if status != 201:
        error = {"code": code, "message": "refused", "more_info": "", "status": status}
        twilio_api.add("POST", MESSAGES, status=status, json=error)
        return
    body: dict[str, Any] = {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": "ok",
        "date_created": "Tue, 24 Nov 2026 15:00:00 +0000",
        "date_sent": None,
        "direction": "outbound-api",
        "error_code": None,
        "from": OUR_NUMBER,
        "num_segments": "1",
        "sid": "SM" + "c" * 32,
        "status": "queued",
        "to": to,
    }
    twilio_api.add("POST", MESSAGES, status=201, json=body)


def at_the_offer(twilio_post, caller: str = CALLER, english_first: bool = False):  # type: ignore[no-untyped-def]
    """Call the main line and listen up to the offer of texts; the call's form and TwiML."""
    params = call_params(To=MAIN_LINE, From=caller, Caller=caller)
    heard = twiml(twilio_post("/voice/incoming", params))
    if english_first:  # a caller we do not know is asked their language first
        heard = twiml(twilio_post(gather_action(heard), {**params, "Digits": "1"}))
    assert "updates on this outage by text" in spoken(heard) or "novedades" in spoken(heard)
    return params, heard


def answer(twilio_post, params, heard, **reply: str):  # type: ignore[no-untyped-def]
    return twiml(twilio_post(gather_action(heard), {**params, **reply}))


def live_subscriptions() -> list[StatusSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(StatusSubscription)))


def test_pressing_1_subscribes_the_number_and_texts_one_confirmation_then_the_call_goes_on(
    floor, twilio_post, twilio_api
) -> None:
    customer()
    number = incident()
    message_created(twilio_api)
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, Digits="1")

    assert spoken(after).startswith(SIGNED_UP)
    assert MAIN_MENU in spoken(after) and after.find("Gather") is not None
    [made] = live_subscriptions()
    assert (made.phone, made.incident_id, made.state) == (CALLER, number, SubscriptionState.ACTIVE)
    assert made.confirmed_at is not None
    [sent] = [parse_qs(call.request.body) for call in twilio_api.calls]
    assert (sent["To"], sent["From"]) == ([CALLER], [OUR_NUMBER])
    assert TITLE in sent["Body"][0] and "Reply STOP" in sent["Body"][0]
    assert f"{PUBLIC_BASE_URL}/status/incidents/{number}" in sent["Body"][0]
    assert sent["StatusCallback"] == [f"{PUBLIC_BASE_URL}/sms/status"]
    events = db.session.scalars(select(CallStep.detail).where(CallStep.event == "updates"))
    assert list(events) == ["subscribed"]


def test_the_subscription_is_in_the_audience_of_the_incidents_broadcasts(
    floor, twilio_post, twilio_api
) -> None:
    customer()  # no consent to notices on record: reached as a subscriber only
    number = incident()
    message_created(twilio_api)
    params, heard = at_the_offer(twilio_post)
    answer(twilio_post, params, heard, Digits="1")

    planned = broadcasts.create(db.session, number, "Update: crews on site.", quiet_hours=False)

    assert subscriptions.subscribers(db.session, number) == [CALLER]
    assert (planned.planned.customers, planned.planned.subscribers) == (0, 1)


def test_a_second_press_or_a_replayed_webhook_texts_nothing_more(
    floor, twilio_post, twilio_api
) -> None:
    customer()
    incident()
    message_created(twilio_api)
    params, heard = at_the_offer(twilio_post)
    answer(twilio_post, params, heard, Digits="1")

    again = answer(twilio_post, params, heard, Digits="1")  # Twilio retrying the webhook

    assert spoken(again).startswith(SIGNED_UP)
    assert len(twilio_api.calls) == 1 and len(live_subscriptions()) == 1


def test_a_spanish_caller_asks_by_voice_and_is_texted_in_spanish(
    floor, twilio_post, twilio_api
) -> None:
    customer(language="es")
    incident()
    message_created(twilio_api)
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, SpeechResult="mensaje", Confidence="0.92")

    assert spoken(after).startswith("Listo. Le enviaremos novedades")
    body = parse_qs(twilio_api.calls[0].request.body)["Body"][0]
    assert "recibirá novedades" in body and "Responda STOP" in body


@pytest.mark.parametrize("reply", [{}, {"Digits": "7"}, {"SpeechResult": "my bill is wrong"}])
def test_silence_or_an_answer_that_fits_nothing_goes_on_to_the_menu(
    floor, twilio_post, twilio_api, reply: dict[str, str]
) -> None:
    customer()
    incident()
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, **reply)

    assert spoken(after).startswith(MAIN_MENU)
    assert live_subscriptions() == [] and len(twilio_api.calls) == 0


def test_a_number_that_opted_out_is_not_texted_and_hears_how_to_opt_back_in(
    floor, twilio_post, twilio_api
) -> None:
    customer()
    incident()
    numbers.opt_out(db.session, CALLER, "keyword STOP", numbers.ConsentSource.KEYWORD)
    db.session.commit()
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, Digits="1")

    assert "opted out of our text messages" in spoken(after)
    assert "text START to 5 5 5, 8 6 7, 5 3 0 0" in spoken(after)
    assert MAIN_MENU in spoken(after)
    assert live_subscriptions() == [] and len(twilio_api.calls) == 0


def test_a_carrier_opt_out_on_the_confirmation_ends_the_subscription_it_was_for(
    floor, twilio_post, twilio_api
) -> None:
    customer()
    incident()
    message_created(twilio_api, status=400, code=21610)
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, Digits="1")

    assert "opted out of our text messages" in spoken(after)
    [ended] = live_subscriptions()
    assert ended.state is SubscriptionState.ENDED
    assert numbers.refusal(db.session, CALLER) == numbers.OPTED_OUT


@pytest.mark.parametrize("caller", ["anonymous", "+266696687", "", "4155550123", "client:ana"])
def test_a_withheld_or_odd_caller_id_hears_we_cannot_text_it_and_the_call_goes_on(
    floor, twilio_post, twilio_api, caller: str
) -> None:
    incident(Scope.of())  # touches everyone, callers we do not know too
    params, heard = at_the_offer(twilio_post, caller, english_first=True)

    after = answer(twilio_post, params, heard, Digits="1")

    assert "we can't send text messages to the number you're calling from" in spoken(after)
    assert MAIN_MENU in spoken(after)
    assert live_subscriptions() == [] and len(twilio_api.calls) == 0


def test_a_database_failing_while_signing_up_leaves_the_call_going_on(
    floor, twilio_post, twilio_api, monkeypatch
) -> None:
    customer()
    incident()
    params, heard = at_the_offer(twilio_post)

    def down(*_args: object) -> None:
        raise OperationalError("INSERT INTO status_subscriptions", {}, Exception("gone"))

    monkeypatch.setattr(ivr_updates, "subscribe_caller", down)
    after = answer(twilio_post, params, heard, Digits="1")

    assert "we couldn't sign you up for text updates just now" in spoken(after)
    assert MAIN_MENU in spoken(after) and after.find("Gather") is not None


def test_zero_at_the_offer_still_reaches_a_person(floor, twilio_post, twilio_api) -> None:
    customer()
    incident()
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, Digits="0")

    enqueue = after.find("Enqueue")
    assert enqueue is not None and (enqueue.text or "").strip() == "general"


def test_without_twilio_credentials_the_caller_hears_we_could_not_sign_them_up(
    floor, twilio_post, app
) -> None:
    app.config.update(TWILIO_ACCOUNT_SID="")  # no account: nothing can be texted
    customer()
    incident()
    params, heard = at_the_offer(twilio_post)

    after = answer(twilio_post, params, heard, Digits="1")

    assert "we couldn't sign you up for text updates just now" in spoken(after)
    assert MAIN_MENU in spoken(after) and after.find("Gather") is not None
    assert [s.state for s in live_subscriptions()] == [SubscriptionState.ENDED]
