"""Offers not accepted in time go to the next agent; no fault ever loses the caller."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import redis

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import (
    AgentSkill,
    User,
)
from app.services.agents import offer_sweeper, offers
from routing.model import Presence
from routing.store import EntryState
from tests.functional.desks import (
    call_in,
    hire,
    returning_customer,
    two_agents_and_a_caller,
    wait,
)
from tests.functional.voice import spoken, twiml

QUEUE_SID = "QU" + "1" * 32


def on_hold(twilio_post, caller, waited: int):  # type: ignore[no-untyped-def]
    form = {**caller, "QueueTime": str(waited), "QueuePosition": "1", "QueueSid": QUEUE_SID}
    return twiml(twilio_post("/voice/hold?q=general&l=en", form))


def test_a_missed_offer_sets_the_agent_away_and_offers_the_caller_to_the_next_best(
    app, center, clock, twilio_post
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)

    clock.advance(19)
    early = offer_sweeper.sweep()
    before = ben.offer()
    clock.advance(1)
    due = offer_sweeper.sweep()

    assert early.taken_back == 0 and before is None
    assert due.taken_back == 1
    assert center.presence(ana.id).state is Presence.AWAY
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"][0] == "Ana Torres did not answer the offer within 20 s: set away"
    assert center.stats("general").returned == 1


def test_sweeping_twice_takes_a_missed_offer_back_once(app, center, clock, twilio_post):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    clock.advance(20)

    first, second = offer_sweeper.sweep(), offer_sweeper.sweep()

    assert (first.taken_back, second.taken_back) == (1, 0)
    assert center.entry(caller["CallSid"]).agent_id == ben.id
    assert center.stats("general").returned == 1


def test_the_offer_timeout_is_a_setting(app, center, clock, twilio_post):
    app.config["OFFER_TIMEOUT"] = 45
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    clock.advance(30)

    swept = offer_sweeper.sweep()

    assert swept.taken_back == 0
    offer = ana.offer()
    assert offer["deadline"] == offer["offered_at"] + 45
    assert offer["seconds_left"] == 15


def test_a_heartbeat_takes_back_a_missed_offer_without_any_worker(
    app, center, clock, twilio_post, redis_client
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    clock.advance(20)
    redis_client.delete(offer_sweeper.SWEEP_KEY)  # the last sweep's interval is over

    ben.call("POST", "/api/agent/heartbeat")

    assert center.presence(ana.id).state is Presence.AWAY
    assert ben.offer()["contact_id"] == caller["CallSid"]


def test_a_caller_whose_only_agent_missed_the_offer_goes_up_the_overflow_ladder(
    app, center, clock, twilio_post
):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    clock.advance(20)

    offer_sweeper.sweep()
    root = on_hold(twilio_post, caller, waited=25)

    assert center.entry(caller["CallSid"]).state is EntryState.WAITING
    assert root.find("Leave") is not None  # nobody at work for general any more


def test_an_offered_caller_still_overflows_past_the_maximum_wait(app, center, clock, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)

    root = on_hold(twilio_post, caller, waited=600)

    assert center.entry(caller["CallSid"]).pending
    assert root.find("Leave") is not None


def test_a_caller_being_connected_is_not_sent_up_the_ladder(app, center, clock, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    center.accept(ana.id, ["general"])  # accepted; Twilio is about to move the caller

    connecting = on_hold(twilio_post, caller, waited=600)
    clock.advance(30)
    stuck = on_hold(twilio_post, caller, waited=630)

    assert connecting.find("Leave") is None and connecting.find("Play") is not None
    assert stuck.find("Leave") is not None  # something failed on the way: a person now


def test_if_redis_fails_while_offering_the_caller_still_waits_in_line(
    app, center, clock, twilio_post, monkeypatch
):
    ana = hire(app, "Ana Torres")
    ana.available()

    def redis_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(offers, "offer_contact", redis_down)
    caller = call_in(twilio_post)
    monkeypatch.undo()
    held = on_hold(twilio_post, caller, waited=5)
    swept = offer_sweeper.sweep()

    assert "number 1 in line" in spoken(held)
    assert swept.offered == 1
    assert ana.offer()["contact_id"] == caller["CallSid"]


def test_the_sweep_offers_a_caller_once_the_wait_for_their_last_agent_is_over(
    app, center, clock, twilio_post
):
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    returning_customer("+14155550177", last_agent=ana, days_ago=2)
    ana.wrapping_up()
    ben.available()
    caller = call_in(twilio_post, From="+14155550177")
    held = ben.offer()

    wait(clock, 30, ana, ben)
    offer_sweeper.sweep()

    assert held is None  # waiting up to 30 s for Ana
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == caller["CallSid"]
    assert offer["offer_trace"][0] == "sticky wait over (30 s for Ana Torres): any agent"


def test_the_sweep_command_reports_what_it_did(app, center, clock, twilio_post, runner):
    two_agents_and_a_caller(app, clock, twilio_post)
    clock.advance(20)

    result = runner.invoke(args=["offers", "sweep", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "taken_back": 1,
        "offered": 0,
        "tasks_queued": 0,
        "callbacks_returned": 0,
    }


def test_the_sweep_loop_runs_until_told_to_stop(app, center, clock, twilio_post, redis_client):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    clock.advance(20)
    redis_client.delete(offer_sweeper.SWEEP_KEY)
    rounds = iter([True, True, False])

    offer_sweeper.run(every=0.05, keep_going=lambda: next(rounds))

    assert center.presence(ana.id).state is Presence.AWAY
    assert ben.offer()["contact_id"] == caller["CallSid"]


def test_sweeps_running_at_once_never_double_offer(app, center, clock):
    agents = [
        AgentRow(user=User(name=f"Agent {n}", email=f"a{n}@example.com", password_hash="x"))
        for n in range(8)
    ]
    db.session.add_all(agents)
    db.session.commit()
    for agent in agents:
        center.set_presence(str(agent.id), Presence.AVAILABLE, ["general"])
    for n in range(20):
        center.enqueue(f"CA{n:02d}", "general", score=1.0, arrival=clock.now - n)
    barrier = threading.Barrier(6)

    def sweep_in_its_own_context() -> int:
        with app.app_context():
            barrier.wait()
            return offers.offer_waiting()

    with ThreadPoolExecutor(max_workers=6) as pool:
        offered = sum(pool.map(lambda _: sweep_in_its_own_context(), range(6)))

    pending = [center.pending_offer(str(agent.id)) for agent in agents]
    assert offered == 8
    assert all(entry is not None for entry in pending)
    assert len({entry.contact_id for entry in pending}) == 8
    assert center.waiting_count("general") == 12


def test_a_caller_who_hangs_up_while_being_connected_is_never_offered_again(
    app, center, clock, twilio_post
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    center.accept(ana.id, ["general"])  # Twilio moved the caller out of its queue

    twilio_post("/voice/status", {**caller, "CallStatus": "completed", "CallDuration": "40"})
    path = f"/voice/connect-result?agent={ana.id}&c={caller['CallSid']}&q=general&l=en"
    twilio_post(path, {**caller, "DialCallStatus": "no-answer"})

    assert center.entry(caller["CallSid"]).state is EntryState.ABANDONED
    assert ben.offer() is None
    assert center.stats("general").abandoned == 1


def test_the_sweep_offers_the_best_contact_across_an_agents_queues(app, center, clock):
    agent = AgentRow(
        user=User(name="Ana Torres", email="ana@example.com", password_hash="x"),
        skills=[AgentSkill(skill="billing", proficiency=4)],
    )
    db.session.add(agent)
    db.session.commit()
    center.enqueue("CA-general", "general", score=1.0, arrival=clock.now - 60)
    center.enqueue(
        "CA-billing", "billing", score=90.0, arrival=clock.now, payload={"skills": ["billing"]}
    )
    center.set_presence(str(agent.id), Presence.AVAILABLE, ["billing", "general"])

    swept = offer_sweeper.sweep()

    assert swept.offered == 1
    assert center.pending_offer(str(agent.id)).contact_id == "CA-billing"
