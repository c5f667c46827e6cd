"""Routing pushes each caller to the best agent: skills, proficiency, idle time, sticky."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from app.services.calls.hold_messages import say_text
from routing.model import Presence
from routing.store import EntryState
from tests.functional.desks import (
    TO_BILLING,
    call_in,
    call_redirected,
    hire,
    returning_customer,
    two_agents_and_a_caller,
    wait,
)
from tests.functional.voice import says, twiml
from tests.support import PUBLIC_BASE_URL

TO_SPANISH = ("2", "0")  # español, then a person: the spanish queue


def test_the_longest_idle_agent_is_offered_the_caller_not_the_first_to_ask(
    app, center, clock, twilio_post
):
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    ana.available()
    wait(clock, 100, ana)
    ben.available()
    wait(clock, 5, ana, ben)

    caller = call_in(twilio_post)
    ben_asks = ben.call("POST", "/api/agent/accept")

    assert ben_asks.status_code == 404  # nothing waits: the caller is offered to Ana
    offer = ana.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"] == ["best of 2 eligible: Ana Torres (idle 105 s)"]
    assert offer["deadline"] == offer["offered_at"] + 20
    assert offer["seconds_left"] == 20
    assert any(line.startswith("waited") for line in offer["trace"])
    assert ben.offer() is None


def test_an_agent_without_the_skill_is_never_offered_the_caller(app, center, clock, twilio_post):
    ben = hire(app, "Ben Carter", {"tech_support": 5})
    ana = hire(app, "Ana Torres", {"billing": 2})
    ben.available()
    wait(clock, 300, ben)
    ana.available()

    caller = call_in(twilio_post, TO_BILLING)
    ana.call("POST", "/api/agent/decline")

    assert ben.offer() is None
    assert center.entry(caller["CallSid"]).state is EntryState.WAITING


def test_higher_proficiency_wins_over_longer_idle(app, center, clock, twilio_post):
    learner = hire(app, "Ana Torres", {"billing": 2})
    expert = hire(app, "Chloe Nguyen", {"billing": 5})
    learner.available()
    wait(clock, 600, learner)
    expert.available()

    call_in(twilio_post, TO_BILLING)

    assert learner.offer() is None
    offer = expert.offer()
    assert offer is not None
    assert offer["offer_trace"] == ["best of 2 eligible: Chloe Nguyen (billing 5/5, idle 0 s)"]


def test_a_returning_caller_is_offered_to_their_last_agent_when_free(
    app, center, clock, twilio_post
):
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    returning_customer("+14155550177", last_agent=ana, days_ago=1)
    ben.available()
    wait(clock, 300, ben)
    ana.available()

    call_in(twilio_post, From="+14155550177")

    assert ben.offer() is None
    offer = ana.offer()
    assert offer is not None
    assert offer["offer_trace"][-1] == "offer to Ana Torres"
    assert offer["offer_trace"][0].startswith("last agent Ana Torres (1 day ago)")


def test_an_agent_who_becomes_available_is_offered_the_next_caller(app, center, clock, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.wrapping_up()
    caller = call_in(twilio_post)

    ana.available()

    offer = ana.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"] == [
        "Ana Torres is available",
        f"take {caller['CallSid']} from general: next in priority order",
    ]


def test_an_agent_has_one_offer_at_a_time_and_the_next_caller_waits(
    app, center, clock, twilio_post
):
    ana = hire(app, "Ana Torres")
    ana.available()

    first = call_in(twilio_post)
    second = call_in(twilio_post)

    assert ana.offer()["contact_id"] == first["CallSid"]
    assert center.entry(second["CallSid"]).state is EntryState.WAITING
    queues = ana.call("GET", "/api/agent/queues").get_json()
    assert queues["offer"]["contact_id"] == first["CallSid"]


def test_declining_offers_the_caller_to_the_next_best_and_keeps_the_agent_available(
    app, center, clock, twilio_post
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)

    declined = ana.call("POST", "/api/agent/decline")

    assert declined.status_code == 200
    assert declined.get_json() == {"contact_id": caller["CallSid"], "declined": True}
    assert center.presence(ana.id).state is Presence.AVAILABLE
    assert ana.offer() is None
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"][0] == "declined by Ana Torres: offered to the next best"
    assert ana.call("POST", "/api/agent/decline").status_code == 404


def test_going_away_with_an_offer_pending_passes_it_to_the_next_best(
    app, center, clock, twilio_post
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)

    ana.call("PUT", "/api/agent/presence", state="away")

    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"][0] == "Ana Torres left before answering an offer"


def test_accepting_another_caller_while_an_offer_is_pending_is_refused(
    app, center, clock, twilio_post
):
    ana = hire(app, "Ana Torres")
    ana.available()
    call_in(twilio_post)
    other = call_in(twilio_post)

    response = ana.call("POST", "/api/agent/accept", contact_id=other["CallSid"])

    assert response.status_code == 409
    assert "accept or decline it first" in response.get_json()["error"]


def test_with_no_offer_pending_accept_still_takes_the_best_waiting_caller(
    app, center, clock, twilio_post, twilio_api
):
    ana = hire(app, "Ana Torres")
    ana.wrapping_up()
    caller = call_in(twilio_post)
    center.set_presence(ana.id, Presence.AVAILABLE)  # no event: nothing was offered
    call_redirected(twilio_api, caller)

    response = ana.call("POST", "/api/agent/accept")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["contact_id"] == caller["CallSid"]
    assert body["offer_trace"] == ["Ana Torres took the next in the queue"]
    assert center.presence(ana.id).state is Presence.BUSY


def spanish_caller_at_the_head_of_general(center) -> str:  # type: ignore[no-untyped-def]
    """A Spanish-speaking caller who overflowed to general, first in its serving order."""
    contact = "CA" + "e5" * 16
    now = center.now()
    center.enqueue(
        contact,
        "general",
        score=1e12,  # ahead of anyone who calls in
        arrival=now,
        payload={"kind": "call", "language": "es", "skills": [], "trace": []},
    )
    return contact


def test_accept_with_nothing_named_passes_over_a_caller_the_agent_cannot_serve(
    app, center, clock, twilio_post, twilio_api
):
    ana = hire(app, "Ana Torres")  # English only
    ana.wrapping_up()
    spanish = spanish_caller_at_the_head_of_general(center)
    caller = call_in(twilio_post)
    center.set_presence(ana.id, Presence.AVAILABLE)  # no event: nothing was offered
    call_redirected(twilio_api, caller)

    response = ana.call("POST", "/api/agent/accept")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["contact_id"] == caller["CallSid"]
    assert center.entry(spanish).state is EntryState.WAITING  # for someone who speaks Spanish


def test_accept_with_nothing_the_agent_can_serve_waiting_is_a_clear_404(app, center):
    ana = hire(app, "Ana Torres")  # English only
    spanish = spanish_caller_at_the_head_of_general(center)
    ana.available()

    response = ana.call("POST", "/api/agent/accept")

    assert response.status_code == 404
    assert "nobody you can serve" in response.get_json()["error"]
    assert center.entry(spanish).state is EntryState.WAITING


def test_the_answered_call_keeps_why_its_agent_was_chosen(
    app, center, clock, twilio_post, twilio_api
):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    call_redirected(twilio_api, caller)

    accepted = ana.call("POST", "/api/agent/accept")
    twilio_post(f"/voice/whisper?agent={ana.id}&c={caller['CallSid']}", caller)

    assert accepted.get_json()["offer_trace"] == ["best of 1 eligible: Ana Torres (idle 0 s)"]
    interaction = db.session.scalars(
        select(Interaction).where(Interaction.twilio_sid == caller["CallSid"])
    ).one()
    db.session.refresh(interaction)
    assert interaction.details["routing"]["offer_trace"] == [
        "best of 1 eligible: Ana Torres (idle 0 s)"
    ]
    assert interaction.agent_id == int(ana.id)


def test_a_spanish_caller_hears_spanish_when_connected_and_when_the_agent_misses_the_ring(
    app, center, twilio_post, twilio_api
):
    ana = hire(app, "Ana Torres", skills={"spanish": 5}, languages=("en", "es"))
    ana.available()
    caller = call_in(twilio_post, keys=TO_SPANISH)
    call_redirected(twilio_api, caller)
    assert ana.call("POST", "/api/agent/accept").status_code == 200
    connect_url = parse_qs(twilio_api.calls[-1].request.body)["Url"][0]

    ring = twiml(twilio_post(connect_url.removeprefix(PUBLIC_BASE_URL), caller))
    missed = {**caller, "CallStatus": "in-progress", "DialCallStatus": "no-answer"}
    back = twiml(twilio_post(ring.find("Dial").get("action"), missed))

    assert says(ring) == [("es-US", say_text("es", "connecting"))]
    assert says(back) == [("es-US", say_text("es", "agent_missed"))]
    assert parse_qs(urlsplit(back.find("Enqueue").get("waitUrl")).query)["l"] == ["es"]
