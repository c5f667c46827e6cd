"""On hold: place in priority order, the estimated wait, keeping the place by callback."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Interaction, Task, Tier
from tests.functional.queue_calls import (
    add_customer,
    hold,
    leave,
    queue_caller,
    store,
)
from tests.functional.voice import (
    spoken,
    staff_queues,
    twiml,
)


def test_a_wait_of_about_a_minute_is_said_as_one_minute(line, twilio_post, monkeypatch):
    monkeypatch.setattr("app.services.calls.hold.DEFAULT_HANDLE_SECONDS", 60)  # a quick team
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post)

    root = hold(twilio_post, caller)

    assert "estimated wait is about one minute." in spoken(root)


def test_position_is_in_priority_order_not_arrival_order(line, twilio_post):
    staff_queues(line, presence="busy")  # at work, not free: both callers wait
    add_customer("+14155550101", Tier.BRONZE)
    add_customer("+14155550102", Tier.SILVER)
    first = queue_caller(twilio_post, "+14155550101")
    second = queue_caller(twilio_post, "+14155550102")

    assert "number 2 in line" in spoken(hold(twilio_post, first))
    assert "number 1 in line" in spoken(hold(twilio_post, second))


def test_waiting_caller_hears_an_estimated_wait_and_music(line, twilio_post):
    staff_queues(line, presence="busy")  # at work, on another call
    caller = queue_caller(twilio_post)

    root = hold(twilio_post, caller)

    assert "estimated wait is about 4 minutes" in spoken(root)  # one call's handle time
    assert root.find("Play") is not None


def test_a_withheld_caller_is_not_offered_a_callback_on_hold(line, twilio_post):
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post, "+266696687")

    root = hold(twilio_post, caller)

    assert "estimated wait is about 4 minutes" in spoken(root)
    assert root.find("Gather") is None  # no "press 1": we could not call them back


def test_a_caller_an_agent_is_free_for_hears_no_estimate_and_no_callback_offer(line, twilio_post):
    staff_queues(line)  # available: offered the caller at once
    caller = queue_caller(twilio_post)

    root = hold(twilio_post, caller)

    assert "in a moment" in spoken(root)
    assert "estimated wait" not in spoken(root)
    assert root.find("Gather") is None


def test_long_estimated_wait_offers_to_keep_the_place_by_callback(line, twilio_post):
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post)
    root = hold(twilio_post, caller)
    offer = root.find("Gather")
    form = {k: v for k, v in caller.items() if not k.startswith("_")}

    pressed = twiml(twilio_post(offer.get("action"), {**form, "Digits": "1"}))
    done = leave(twilio_post, caller)

    assert "press 1" in spoken(root)
    assert pressed.find("Leave") is not None
    task = db.session.scalars(select(Task)).one()
    assert (task.kind, task.phone) == ("callback", caller["From"])
    entry = store(line).entry(f"callback:{task.id}")
    assert entry is not None and entry.queue == "general"
    assert "keep your place" in spoken(done)
    assert done.find("Hangup") is not None


def test_caller_who_hangs_up_on_hold_is_removed_and_counted_abandoned(line, twilio_post):
    staff_queues(line)
    caller = queue_caller(twilio_post)

    leave(twilio_post, caller, result="hangup")

    assert store(line).entry(caller["CallSid"]).state == "abandoned"
    assert store(line).stats("general").abandoned == 1
    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.outcome == "abandoned"


def test_caller_is_put_back_in_line_when_redis_lost_the_queue(line, twilio_post, redis_client):
    staff_queues(line)
    add_customer("+14155550123", Tier.SILVER)
    caller = queue_caller(twilio_post, "+14155550123")
    # Redis restarted and lost the waiting callers; the agents have logged in again.
    for pattern in ("helpline:queue:*:waiting", "helpline:queue:*:arrivals", "helpline:contact:*"):
        for key in redis_client.keys(pattern):
            redis_client.delete(key)

    root = hold(twilio_post, caller)

    assert "number 1 in line" in spoken(root)
    restored = store(line).entry(caller["CallSid"])
    assert restored.queue == "general"
    # Routing still knows what the caller needs: no agent without the language gets them.
    assert (restored.payload["language"], restored.payload["tier"]) == ("en", "silver")
