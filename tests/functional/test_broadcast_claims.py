"""Claiming a broadcast's deliveries: a worker takes exactly as many as it asks for (on
PostgreSQL too, where a ``LIMIT ... SKIP LOCKED`` subquery may run more than once), the
platinum wave first, and two workers never hold the same one."""

from __future__ import annotations

from app.extensions import db
from app.models import Tier
from app.services.broadcasts import broadcasts, sender
from tests.functional.test_broadcast_audience import boston_broadband, customer

PHONES = tuple(f"+1617555{n:04d}" for n in range(101, 111))


def planned(tier_waves: bool = False) -> int:
    incident = boston_broadband()
    for n, phone in enumerate(PHONES):
        customer(phone, tier=Tier.PLATINUM if n >= 7 else Tier.BRONZE)
    created = broadcasts.create(
        db.session, incident, "Broadband is down.", quiet_hours=False, tier_waves=tier_waves
    )
    return created.broadcast.id


def test_a_worker_claims_exactly_as_many_as_it_asks_for(app) -> None:
    broadcast_id = planned()

    one = sender.claim(db.session, broadcast_id, "worker-1", 1)
    three = sender.claim(db.session, broadcast_id, "worker-2", 3)
    rest = sender.claim(db.session, broadcast_id, "worker-1", 100)

    assert (len(one), len(three), len(rest)) == (1, 3, 6)
    held = [c.phone for c in one + three + rest]
    assert sorted(held) == sorted(PHONES)  # each once: nobody holds another's
    assert sender.claim(db.session, broadcast_id, "worker-2", 5) == []


def test_the_platinum_wave_is_claimed_first(app) -> None:
    broadcast_id = planned(tier_waves=True)

    first = sender.claim(db.session, broadcast_id, "worker-1", 3)

    assert sorted(c.phone for c in first) == sorted(PHONES[7:])
