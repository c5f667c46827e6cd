"""Callers touched by an open incident hear its current public update first (in their
language when it was written or translated in it, the flow's own words otherwise), and
can still press for a person; callers it does not touch hear nothing of it."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Account, Customer
from app.services.incidents import front_door
from app.services.incidents.lifecycle import Scope, open_incident, post_update, resolve
from tests.functional.voice import MAIN_LINE, OPEN, gather_action, spoken, staff_queues, twiml
from tests.support import call_params

CALLER = "+14155550177"
UPDATE = "Crews found a broken transformer on Main Street. Power should be back by 6 pm."
FLOW_WORDS = "We know about a power outage in your area."


@pytest.fixture
def floor(app):  # type: ignore[no-untyped-def]
    app.config.update(CLOCK=lambda: OPEN)
    staff_queues(app)


def customer(language: str = "en", region: str = "Springfield", area: str = "North grid") -> None:
    person = Customer(phone=CALLER, name="Rosa Diaz", language=language, region=region)
    person.accounts = [Account(number="EL-1001", service="electricity", service_area=area)]
    db.session.add(person)
    db.session.commit()


def incident(scope: Scope, message: str = UPDATE) -> int:
    opened = open_incident(db.session, "Power outage", scope, "critical", message)
    front_door.forget()
    return opened.id


def first_words(twilio_post) -> str:  # type: ignore[no-untyped-def]
    """What a caller from CALLER hears before their first answer."""
    return spoken(twiml(twilio_post("/voice/incoming", call_params(To=MAIN_LINE, From=CALLER))))


def test_a_caller_in_the_region_hears_the_current_update_then_how_to_reach_a_person(
    floor, twilio_post
) -> None:
    customer()
    incident(Scope.of(regions=["Springfield"]))

    heard = first_words(twilio_post)

    assert UPDATE in heard and FLOW_WORDS not in heard
    assert heard.index(UPDATE) < heard.index("press 4")


def test_the_newest_public_update_is_heard_and_internal_notes_never_are(floor, twilio_post) -> None:
    customer()
    number = incident(Scope.of(service_areas=["North grid"]))
    post_update(db.session, number, "Power is coming back street by street.", "monitoring")
    post_update(db.session, number, "Transformer 7B blew; crew 4 on site", public=False)
    front_door.forget()

    heard = first_words(twilio_post)

    assert "Power is coming back street by street." in heard
    assert UPDATE not in heard and "crew 4" not in heard


def test_a_spanish_caller_hears_the_translation_or_else_the_flows_spanish_words(
    floor, twilio_post
) -> None:
    customer(language="es")
    number = incident(Scope.of(services=["electricity"]))

    untranslated = first_words(twilio_post)
    post_update(
        db.session, number, "Power is back in most streets.", translations={"es": "Ya hay luz."}
    )
    front_door.forget()
    translated = first_words(twilio_post)

    assert "Sabemos que hay un corte de luz en su zona" in untranslated
    assert UPDATE not in untranslated
    assert "Ya hay luz." in translated and "oprima 4" in translated


@pytest.mark.parametrize(
    "scope",
    [Scope.of(regions=["Shelbyville"]), Scope.of(services=["gas"]), Scope.of(service_areas=["X"])],
)
def test_a_caller_the_incident_does_not_touch_hears_nothing_of_it(
    floor, twilio_post, scope
) -> None:
    customer()
    incident(scope)

    heard = first_words(twilio_post)

    assert UPDATE not in heard and FLOW_WORDS not in heard


def test_an_incident_for_everyone_reaches_callers_we_do_not_know(floor, twilio_post) -> None:
    incident(Scope.of())

    params = call_params(To=MAIN_LINE, From="+14155550999")
    language = twiml(twilio_post("/voice/incoming", params))
    english = twiml(twilio_post(gather_action(language), {**params, "Digits": "1"}))

    assert UPDATE in spoken(english)


def test_once_resolved_callers_hear_nothing_of_it(floor, twilio_post) -> None:
    customer()
    number = incident(Scope.of(regions=["Springfield"]))
    resolve(db.session, number, "Power is back everywhere.")
    front_door.forget()

    heard = first_words(twilio_post)

    assert UPDATE not in heard and "Power is back everywhere" not in heard


def test_the_press_for_a_person_after_the_notice_reaches_the_outage_queue(
    floor, twilio_post
) -> None:
    customer()
    incident(Scope.of(regions=["Springfield"]))
    params = call_params(To=MAIN_LINE, From=CALLER)

    menu = twiml(twilio_post("/voice/incoming", params))
    after = twiml(twilio_post(gather_action(menu), {**params, "Digits": "4"}))

    enqueue = after.find("Enqueue")
    assert enqueue is not None and (enqueue.text or "").strip() == "outage"


def test_a_broadband_outage_in_an_area_is_not_told_to_mobile_customers_there(
    floor, twilio_post
) -> None:
    customer()  # electricity in North grid
    incident(Scope.of(services=["broadband"], service_areas=["North grid"]))

    heard = first_words(twilio_post)

    assert UPDATE not in heard and FLOW_WORDS not in heard
